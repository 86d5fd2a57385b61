import SwitchboardCore

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
