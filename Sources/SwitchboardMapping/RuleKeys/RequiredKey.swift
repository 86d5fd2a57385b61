import SwitchboardCore

/// `required`: absent is an error.
enum RequiredKey {
    static let key = RuleKey(
        name: "required", role: .modifier,
        summary: "When true, a value still absent after `default` is an error; otherwise an absent value is simply left out.",
        schema: ["type": "boolean"],
        examples: [RuleKeyExample(#"{"from": "event.name", "required": true}"#, #"{}"#, "error: name is required")],
        compile: { value, pointer, compiler, rule in rule.required = compiler.flag(value, at: pointer) })
}
