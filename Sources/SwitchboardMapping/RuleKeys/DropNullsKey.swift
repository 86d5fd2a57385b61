import SwitchboardCore

/// `dropNulls`: remove null members.
enum DropNullsKey {
    static let key = RuleKey(
        name: "dropNulls", role: .modifier,
        summary: "When true, members whose value is null are removed from the object, at every depth (array elements stay).",
        schema: ["type": "boolean"],
        examples: [RuleKeyExample(#"{"from": "event.p", "dropNulls": true}"#, #"{"p": {"a": null, "b": {"c": null, "d": 1}, "e": [null]}}"#, #"{"b":{"d":1},"e":[null]}"#)],
        compile: { value, pointer, compiler, rule in rule.dropNulls = compiler.flag(value, at: pointer) })
}
