import SwitchboardCore

/// A table from input values to output values.
public struct ValueMap: Sendable {
    /// What an input not in the table gives.
    public enum Unknown: String, Sendable, CaseIterable {
        /// An error naming the field (strict).
        case error
        /// The input unchanged (lenient).
        case keep
        /// Nothing, so `default` applies (lenient).
        case absent
    }

    let values: [String: JSONValue]
    let unknown: Unknown

    /// The mapped value; nil for absent; throws for an unknown value in strict mode.
    func apply(_ value: JSONValue, field: String) throws(MappingError) -> JSONValue? {
        let key: String?
        switch value {
        case .string(let s): key = s
        case .number(let n): key = n.literal
        case .bool(let b): key = b ? "true" : "false"
        default: key = nil
        }
        if let key, let mapped = values[key] { return mapped }
        switch unknown {
        case .error: throw MappingError(field: field, message: "has a value the map does not list")
        case .keep: return value
        case .absent: return nil
        }
    }
}

/// `map`: replace a value through a table.
enum MapKey {
    static let key = RuleKey(
        name: "map", role: .modifier,
        summary: "Replaces a value through a table: `{\"values\": {\"in\": out, …}, \"unknown\": \"error\"|\"keep\"|\"absent\"}`. Strings, numbers (by their text) and booleans (`\"true\"`, `\"false\"`) are looked up. An unlisted value is an error by default (strict); `keep` passes it through and `absent` lets `default` decide (lenient).",
        schema: ["type": "object", "properties": ["values": ["type": "object"], "unknown": RuleCompiler.enumSchema(ValueMap.Unknown.self)],
                 "required": ["values"], "additionalProperties": false],
        examples: [
            RuleKeyExample(#"{"from": "event.plan", "map": {"values": {"p": "pro", "f": "free"}}}"#, #"{"plan": "p"}"#, #""pro""#),
            RuleKeyExample(#"{"from": "event.plan", "map": {"values": {"p": "pro"}}}"#, #"{"plan": "x"}"#, "error: plan has a value the map does not list"),
            RuleKeyExample(#"{"from": "event.plan", "map": {"values": {"p": "pro"}, "unknown": "keep"}}"#, #"{"plan": "x"}"#, #""x""#),
            RuleKeyExample(#"{"from": "event.plan", "map": {"values": {"p": "pro"}, "unknown": "absent"}, "default": {"const": "other"}}"#, #"{"plan": "x"}"#, #""other""#),
            RuleKeyExample(#"{"from": "event.tier", "map": {"values": {"1": "gold", "true": "yes"}}}"#, #"{"tier": 1}"#, #""gold""#),
        ],
        compile: { value, pointer, compiler, rule in
            guard let r = JSONReader(value, file: compiler.file, pointer: pointer, allowed: ["values", "unknown"], problems: &compiler.problems)
            else { return }
            guard case .object(let table)? = r.object["values"] else {
                return compiler.problem(at: pointer, "needs 'values', an object from input to output values")
            }
            var unknown = ValueMap.Unknown.error
            if let u = r.object["unknown"] {
                guard let chosen: ValueMap.Unknown = compiler.choice(u, at: r.at("unknown")) else { return }
                unknown = chosen
            }
            rule.valueMap = ValueMap(values: Dictionary(table.members.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }), unknown: unknown)
        })
}
