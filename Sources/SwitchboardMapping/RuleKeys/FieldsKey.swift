import SwitchboardCore

/// `fields`: an object built member by member.
enum FieldsKey {
    static let key = RuleKey(
        name: "fields", role: .source,
        summary: "An object built member by member, in the order written. A member whose rule gives nothing is left out.",
        schema: ["type": "object", "additionalProperties": RuleCompiler.ruleSchema],
        examples: [
            RuleKeyExample(#"{"fields": {"id": {"from": "event.id"}, "email": {"from": "event.email"}}}"#, #"{"id": 7}"#, #"{"id":7}"#),
        ],
        compile: { value, pointer, compiler, rule in rule.source = .fields(compiler.compileFields(value, at: pointer)) })
}
