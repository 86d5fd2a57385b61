import SwitchboardCore

/// `soleKey` and `soleValue`: read an object that names its content by its one key, as
/// Vibetrace's `{"event": {"login": {…}}}` does.
enum SoleKey {
    static let key = RuleKey(
        name: "soleKey", role: .source,
        summary: "The one key of the object at a path (Vibetrace names an event by it: `{\"login\": {…}}`). Absent when the path is; an error when the value is not an object with exactly one key.",
        schema: ["type": "string"],
        examples: [
            RuleKeyExample(#"{"soleKey": "event.e"}"#, #"{"e": {"login": {"plan": "pro"}}}"#, #""login""#),
            RuleKeyExample(#"{"soleKey": "event.e"}"#, #"{"e": {"login": {}, "update": {}}}"#, "error: e must be an object with exactly one key"),
        ],
        compile: { value, pointer, compiler, rule in
            if let path = compiler.path(value, at: pointer) { rule.source = .sole(path, key: true) }
        })

    static let value = RuleKey(
        name: "soleValue", role: .source,
        summary: "The value under the one key of the object at a path: `{\"login\": {\"plan\": \"pro\"}}` gives `{\"plan\": \"pro\"}`. Absent when the path is; an error when the value is not an object with exactly one key.",
        schema: ["type": "string"],
        examples: [RuleKeyExample(#"{"soleValue": "event.e"}"#, #"{"e": {"login": {"plan": "pro"}}}"#, #"{"plan":"pro"}"#)],
        compile: { value, pointer, compiler, rule in
            if let path = compiler.path(value, at: pointer) { rule.source = .sole(path, key: false) }
        })

    /// The one member of the object at `path`, or nil when the path is absent.
    static func member(at path: Path, in context: EvaluationContext) throws(MappingError) -> JSONObject.Member? {
        guard let value = path.resolve(in: context) else { return nil }
        guard case .object(let object) = value, object.count == 1 else {
            throw MappingError(field: path.fieldName, message: "must be an object with exactly one key")
        }
        return object.members[0]
    }
}
