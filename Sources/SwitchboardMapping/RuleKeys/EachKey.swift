import SwitchboardCore

/// `each`: map every element of an array.
enum EachKey {
    static let key = RuleKey(
        name: "each", role: .source,
        summary: "The array at `of`, each element mapped by `rule`, in which the element is the root `item` and its position `index`. Elements whose rule gives nothing are left out.",
        schema: ["type": "object", "properties": ["of": ["type": "string"], "rule": RuleCompiler.ruleSchema],
                 "required": ["of", "rule"], "additionalProperties": false],
        examples: [RuleKeyExample(#"{"each": {"of": "event.items", "rule": {"fields": {"sku": {"from": "item.id"}, "pos": {"from": "index"}}}}}"#, #"{"items": [{"id": "a"}, {"id": "b"}]}"#, #"[{"sku":"a","pos":0},{"sku":"b","pos":1}]"#)],
        compile: { value, pointer, compiler, rule in
            guard let r = JSONReader(value, file: compiler.file, pointer: pointer, allowed: ["of", "rule"], problems: &compiler.problems),
                let of = r.object["of"], let inner = r.object["rule"]
            else { return compiler.problem(at: pointer, "needs 'of' (the path of an array) and 'rule'") }
            let path = compiler.path(of, at: r.at("of"))
            var itemRule: Rule?
            let saved = compiler.roots
            compiler = compiler.adding(roots: ["item", "index"])
            itemRule = compiler.compile(inner, at: r.at("rule"))
            compiler = compiler.replacing(roots: saved)
            if let path, let itemRule { rule.source = .each(path, itemRule) }
        })
}
