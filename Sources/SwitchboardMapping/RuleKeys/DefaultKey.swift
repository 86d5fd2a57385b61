import SwitchboardCore

/// `default`: the rule used when the value is absent.
enum DefaultKey {
    static let key = RuleKey(
        name: "default", role: .modifier,
        summary: "A rule evaluated when the value is absent (or null with `\"null\": \"absent\"`, or a condition was false). Its result is used as it is.",
        schema: RuleCompiler.ruleSchema,
        examples: [
            RuleKeyExample(#"{"from": "event.p", "default": {"const": {}}}"#, #"{}"#, "{}"),
            RuleKeyExample(#"{"from": "event.t", "default": {"now": true}}"#, #"{}"#, #""2024-12-25T10:00:00Z""#),
        ],
        compile: { value, pointer, compiler, rule in rule.default = compiler.compile(value, at: pointer) })
}
