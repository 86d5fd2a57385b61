import SwitchboardCore

/// `list`: an array built element by element.
enum ListKey {
    static let key = RuleKey(
        name: "list", role: .source,
        summary: "An array built element by element; an element whose rule gives nothing is left out.",
        schema: ["type": "array", "items": RuleCompiler.ruleSchema],
        examples: [RuleKeyExample(#"{"list": [{"from": "event.a"}, {"const": "x"}, {"from": "event.none"}]}"#, #"{"a": 1}"#, #"[1,"x"]"#)],
        compile: { value, pointer, compiler, rule in
            guard case .array(let items) = value else { return compiler.problem(at: pointer, "must be a list of rules") }
            rule.source = .list(items.enumerated().compactMap { compiler.compile($1, at: "\(pointer)/\($0)") })
        })
}
