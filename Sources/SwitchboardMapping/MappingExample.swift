import SwitchboardCore

/// An example written inside a mapping file: an input and either the exact expected output (a
/// list of events for a mapping that explodes) or the expected error. `switchboard test` and `swift test` run every one.
///
/// ```json
/// "examples": [
///   { "name": "user.com's own sample",
///     "input": { "body": { "name": "signup", "timestamp": 0 }, "path": { "user_id": "u1" } },
///     "output": { "type": "track", "userId": "u1", "event": "signup", … } },
///   { "name": "no name", "input": { "body": {}, "path": { "user_id": "u1" } }, "error": "name is required" }
/// ]
/// ```
public struct MappingExample: Sendable {
    public init(name: String, pointer: String, input: JSONObject, output: JSONValue?, error: String?, now: Instant) {
        self.name = name
        self.pointer = pointer
        self.input = input
        self.output = output
        self.error = error
        self.now = now
    }

    /// The time `now` reads in every example unless one gives its own `now`; `uuid` gives
    /// `00000000-0000-4000-8000-000000000001`, then `…002`, in each example.
    public static let defaultNow = Instant(seconds: 1_735_120_800)  // 2024-12-25T10:00:00Z

    public let name: String
    public let pointer: String
    /// The evaluation roots (`body`, `path`, … or `event`, `settings`).
    public let input: JSONObject
    public let output: JSONValue?
    public let error: String?
    public let now: Instant

    /// Runs the example against `mapping`; nil when it passes, else what differed.
    public func failure(in mapping: Mapping) -> String? {
        var context = EvaluationContext(clock: FixedClock(now), input.members.map { ($0.key, $0.value) })
        context.identifiers = SequentialIdentifiers()
        do {
            let outputs = try mapping.applyAll(context)
            let produced = mapping.explode == nil ? JSONValue.object(outputs[0]) : .array(outputs.map(JSONValue.object))
            if let error { return "expected the error \"\(error)\", got \(JSONWriter.string(produced))" }
            if let output, produced != output {
                return "expected \(JSONWriter.string(output)), got \(JSONWriter.string(produced))"
            }
            return nil
        } catch {
            if let expected = self.error {
                return expected == error.description ? nil : "expected the error \"\(expected)\", got \"\(error)\""
            }
            return "expected an output, got the error \"\(error)\""
        }
    }

    static func compile(_ json: JSONValue, file: String, roots: [String], problems: inout [ConfigProblem]) -> [MappingExample] {
        guard case .array(let items) = json else {
            problems.append(ConfigProblem(file: file, pointer: "/examples", message: "must be a list of examples"))
            return []
        }
        return items.enumerated().compactMap { i, item in
            let pointer = "/examples/\(i)"
            guard let r = JSONReader(item, file: file, pointer: pointer, allowed: ["name", "input", "output", "error", "now"], problems: &problems)
            else { return nil }
            let name = r.string("name", problems: &problems) ?? "example \(i + 1)"
            let error = r.string("error", problems: &problems)
            let output = r.object["output"]
            if (error == nil) == (output == nil) {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "an example needs exactly one of 'output' or 'error'"))
            }
            var now = defaultNow
            if let text = r.string("now", problems: &problems) {
                if let instant = Instant(rfc3339: text) { now = instant } else {
                    problems.append(r.problem(at: "now", "must be an RFC 3339 time, e.g. 2024-12-25T10:00:00Z"))
                }
            }
            guard case .object(let input)? = r.object["input"] else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "'input' must be an object of \(roots.joined(separator: ", "))"))
                return nil
            }
            for key in input.keys where !roots.contains(key) {
                problems.append(ConfigProblem(file: file, pointer: r.at("input") + "/" + pointerEscape(key),
                                              message: "unknown root '\(key)'; an input holds \(roots.joined(separator: ", "))\(Suggestion.hint(for: key, in: roots))"))
            }
            return MappingExample(name: name, pointer: pointer, input: input, output: output, error: error, now: now)
        }
    }
}
