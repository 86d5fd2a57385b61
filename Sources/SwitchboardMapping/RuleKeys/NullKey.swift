import SwitchboardCore

/// `null`: what a null source value means.
enum NullKey {
    static let key = RuleKey(
        name: "null", role: .modifier,
        summary: "What a null source value means: `error` (the default: \"may not be null\"), `keep` (pass the null on) or `absent` (treat it as missing, so `default` and `required` apply). Absent, null, empty and present are four different states.",
        schema: RuleCompiler.enumSchema(Rule.NullHandling.self),
        examples: [
            RuleKeyExample(#"{"from": "event.x"}"#, #"{"x": null}"#, "error: x may not be null"),
            RuleKeyExample(#"{"from": "event.x", "null": "keep"}"#, #"{"x": null}"#, "null"),
            RuleKeyExample(#"{"from": "event.x", "null": "absent", "default": {"const": 0}}"#, #"{"x": null}"#, "0"),
        ],
        compile: { value, pointer, compiler, rule in
            if let choice: Rule.NullHandling = compiler.choice(value, at: pointer) { rule.null = choice }
        })
}
