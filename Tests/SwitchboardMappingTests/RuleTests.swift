import SwitchboardCore
@testable import SwitchboardMapping
import Testing

/// Compiles one rule reading `event` and evaluates it.
func evaluate(_ ruleJSON: String, body: String) throws -> Result<JSONValue?, MappingError> {
    var compiler = RuleCompiler(file: "test", roots: ["event", "settings"])
    let rule = try #require(compiler.compile(try JSONParser.parse(ruleJSON), at: ""), "\(compiler.problems)")
    let context = EvaluationContext(clock: FixedClock(Instant(seconds: 1_735_120_800)), [("event", try JSONParser.parse(body))])
    do {
        return .success(try rule.evaluate(in: context, field: "out"))
    } catch {
        return .failure(error)
    }
}

@Suite struct RuleTests {
    /// Absent, null, empty and present each have a defined outcome.
    @Test(arguments: [
        (#"{"from": "event.x"}"#, #"{}"#, "absent"),
        (#"{"from": "event.x"}"#, #"{"x": null}"#, "error: x may not be null"),
        (#"{"from": "event.x", "null": "keep"}"#, #"{"x": null}"#, "null"),
        (#"{"from": "event.x", "null": "absent", "default": {"const": 0}}"#, #"{"x": null}"#, "0"),
        (#"{"from": "event.x", "default": {"const": false}}"#, #"{}"#, "false"),
        (#"{"from": "event.x", "default": {"const": ""}}"#, #"{}"#, "\"\""),
        (#"{"from": "event.x", "nonEmpty": true}"#, #"{"x": ""}"#, "error: x may not be empty"),
        (#"{"from": "event.x"}"#, #"{"x": ""}"#, "\"\""),
        (#"{"from": "event.x", "required": true}"#, #"{}"#, "error: x is required"),
        (#"{"from": ["event.a", "event.b"]}"#, #"{"b": 2}"#, "2"),
        (#"{"from": ["event.a", "event.b"]}"#, #"{"a": 1, "b": 2}"#, "1"),
        (#"{"from": "event.items[1].sku"}"#, #"{"items": [{"sku": "a"}, {"sku": "b"}]}"#, "\"b\""),
        (#"{"from": "event[\"first name\"]"}"#, #"{"first name": "Ada"}"#, "\"Ada\""),
        (#"{"from": "event.x", "type": "integer"}"#, #"{"x": 1.5}"#, "error: x must be an integer, not number"),
        (#"{"from": "event.x", "maxLength": 3}"#, #"{"x": "abcd"}"#, "error: x must be at most 3 characters"),
        (#"{"template": "{event.a}-{event.b}"}"#, #"{"a": "x", "b": 2}"#, "\"x-2\""),
        (#"{"template": "{event.a}-{event.b}"}"#, #"{"a": "x"}"#, "absent"),
        (#"{"now": true}"#, #"{}"#, "\"2024-12-25T10:00:00Z\""),
        (#"{"from": "event.t", "time": {"from": "unix_milliseconds", "to": "rfc3339", "precision": "milliseconds"}}"#,
         #"{"t": 1700000000123}"#, "\"2023-11-14T22:13:20.123Z\""),
        (#"{"from": "event.t", "time": {"from": "rfc3339", "to": "unix_milliseconds"}}"#,
         #"{"t": "2023-11-14T23:13:20.5+01:00"}"#, "1700000000500"),
        (#"{"from": "event.t", "time": {"from": "unix_seconds", "to": "rfc3339"}}"#, #"{"t": "1700000000"}"#,
         "error: t must be a Unix time in whole seconds (a non-negative integer)"),
        (#"{"fields": {"k": {"from": "event.a"}, "gone": {"from": "event.none"}}}"#, #"{"a": 1}"#, #"{"k":1}"#),
        (#"{"entry": {"key": {"from": "event.k"}, "value": {"list": [{"const": "v"}]}}}"#, #"{"k": "name"}"#, #"{"name":["v"]}"#),
    ])
    func evaluates(_ rule: String, _ input: String, _ expected: String) throws {
        let result: String
        switch try evaluate(rule, body: input) {
        case .success(nil): result = "absent"
        case .success(let value?): result = JSONWriter.string(value)
        case .failure(let error): result = "error: \(error)"
        }
        #expect(result == expected)
    }
}
