import SwitchboardCore

/// `nonEmpty`: no empty string, array or object.
enum NonEmptyKey {
    static let key = RuleKey(
        name: "nonEmpty", role: .modifier,
        summary: "When true, `\"\"`, `[]` and `{}` are errors.",
        schema: ["type": "boolean"],
        examples: [
            RuleKeyExample(#"{"from": "event.s", "nonEmpty": true}"#, #"{"s": ""}"#, "error: s may not be empty"),
            RuleKeyExample(#"{"from": "event.s"}"#, #"{"s": ""}"#, #""""#),
        ],
        compile: { value, pointer, compiler, rule in rule.nonEmpty = compiler.flag(value, at: pointer) })
}
