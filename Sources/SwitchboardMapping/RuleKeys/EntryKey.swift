import SwitchboardCore

/// `entry`: a one-member object whose key is computed.
enum EntryKey {
    static let key = RuleKey(
        name: "entry", role: .source,
        summary: "A one-member object whose key is computed: `{\"key\": rule, \"value\": rule}`. Absent when either is.",
        schema: ["type": "object", "properties": ["key": RuleCompiler.ruleSchema, "value": RuleCompiler.ruleSchema],
                 "required": ["key", "value"], "additionalProperties": false],
        examples: [RuleKeyExample(#"{"entry": {"key": {"from": "event.field"}, "value": {"list": [{"const": "is required"}]}}}"#, #"{"field": "name"}"#, #"{"name":["is required"]}"#)],
        compile: { value, pointer, compiler, rule in
            guard let r = JSONReader(value, file: compiler.file, pointer: pointer, allowed: ["key", "value"], problems: &compiler.problems)
            else { return }
            guard let k = r.object["key"], let v = r.object["value"] else {
                return compiler.problem(at: pointer, "an entry needs 'key' and 'value' rules")
            }
            guard let keyRule = compiler.compile(k, at: r.at("key")), let valueRule = compiler.compile(v, at: r.at("value")) else { return }
            rule.source = .entry(key: keyRule, value: valueRule)
        })
}
