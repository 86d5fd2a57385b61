import SwitchboardCore

/// `type`: the type the value must have.
enum TypeKey {
    static let key = RuleKey(
        name: "type", role: .modifier,
        summary: "The type a present value must have: `string`, `integer` (a number written without fraction or exponent), `number`, `boolean`, `object`, `array` or `any`. Nothing is coerced; see `convert`.",
        schema: RuleCompiler.enumSchema(Rule.ValueType.self),
        examples: [
            RuleKeyExample(#"{"from": "event.n", "type": "integer"}"#, #"{"n": 3}"#, "3"),
            RuleKeyExample(#"{"from": "event.n", "type": "integer"}"#, #"{"n": 1.5}"#, "error: n must be an integer, not number"),
            RuleKeyExample(#"{"from": "event.n", "type": "string"}"#, #"{"n": 3}"#, "error: n must be a string, not integer"),
        ],
        compile: { value, pointer, compiler, rule in rule.type = compiler.choice(value, at: pointer) })
}
