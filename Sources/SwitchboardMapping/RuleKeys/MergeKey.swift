import SwitchboardCore

/// `merge`: objects merged left to right.
enum MergeKey {
    static let key = RuleKey(
        name: "merge", role: .source,
        summary: "Objects merged left to right: a later member replaces an earlier one with the same key. Rules that give nothing are skipped; one that gives a non-object is an error.",
        schema: ["type": "array", "items": RuleCompiler.ruleSchema, "minItems": 1],
        examples: [RuleKeyExample(#"{"merge": [{"from": "event.defaults"}, {"from": "event.props"}]}"#, #"{"defaults": {"a": 1, "b": 1}, "props": {"b": 2}}"#, #"{"a":1,"b":2}"#)],
        compile: { value, pointer, compiler, rule in
            guard case .array(let items) = value, !items.isEmpty else { return compiler.problem(at: pointer, "must be a non-empty list of rules") }
            rule.source = .merge(items.enumerated().compactMap { compiler.compile($1, at: "\(pointer)/\($0)") })
        })
}
