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

/// `rest`: copy an object except some keys.
enum RestKey {
    static let key = RuleKey(
        name: "rest", role: .source,
        summary: "The object at a path without the keys listed in `except` — \"copy the rest\". Absent when the path is; an error when it is not an object.",
        schema: ["type": "object", "properties": ["of": ["type": "string"], "except": ["type": "array", "items": ["type": "string"]]],
                 "required": ["of"], "additionalProperties": false],
        examples: [RuleKeyExample(#"{"rest": {"of": "event", "except": ["name", "timestamp"]}}"#, #"{"name": "x", "timestamp": 1, "plan": "pro", "n": 2}"#, #"{"plan":"pro","n":2}"#)],
        compile: { value, pointer, compiler, rule in
            guard let r = JSONReader(value, file: compiler.file, pointer: pointer, allowed: ["of", "except"], problems: &compiler.problems),
                let of = r.object["of"]
            else { return compiler.problem(at: pointer, "needs 'of', the path of an object") }
            var except: Set<String> = []
            if let list = r.object["except"] {
                guard let names = list.arrayValue?.compactMap(\.stringValue), names.count == list.arrayValue?.count else {
                    return compiler.problem(at: r.at("except"), "must be a list of keys")
                }
                except = Set(names)
            }
            if let path = compiler.path(of, at: r.at("of")) { rule.source = .rest(path, except: except) }
        })
}

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

extension RuleCompiler {
    func adding(roots extra: [String]) -> RuleCompiler {
        var copy = self
        copy.setRoots(roots + extra)
        return copy
    }

    func replacing(roots: [String]) -> RuleCompiler {
        var copy = self
        copy.setRoots(roots)
        return copy
    }
}
