import SwitchboardCore

/// `uuid`: a new identifier.
enum UUIDKey {
    static let key = RuleKey(
        name: "uuid", role: .source,
        summary: "A new random UUID (lowercase), e.g. for a vendor's idempotency key when the event has no `messageId`. Examples and fixtures get `00000000-0000-4000-8000-000000000001`, then `…002`, so they are reproducible.",
        schema: ["const": true],
        examples: [
            RuleKeyExample(#"{"uuid": true}"#, #"{}"#, #""00000000-0000-4000-8000-000000000001""#),
            RuleKeyExample(#"{"from": "event.messageId", "default": {"uuid": true}}"#, #"{"messageId": "m-1"}"#, #""m-1""#),
        ],
        compile: { value, pointer, compiler, rule in
            guard value == .bool(true) else { return compiler.problem(at: pointer, "must be true") }
            rule.source = .uuid
        })
}
