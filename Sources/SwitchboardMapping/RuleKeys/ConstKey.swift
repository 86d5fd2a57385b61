import SwitchboardCore

/// `const`: a fixed value.
enum ConstKey {
    static let key = RuleKey(
        name: "const", role: .source,
        summary: "A fixed value. `0`, `false`, `\"\"`, `[]` and `{}` are all values like any other.",
        schema: [:],
        examples: [
            RuleKeyExample(#"{"const": "track"}"#, #"{}"#, #""track""#),
            RuleKeyExample(#"{"const": false}"#, #"{}"#, "false"),
        ],
        compile: { value, _, _, rule in rule.source = .constant(value) })
}
