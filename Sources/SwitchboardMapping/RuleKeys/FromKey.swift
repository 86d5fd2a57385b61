import SwitchboardCore

/// `from`: the value at a path, or at the first present one of several paths (a fallback chain).
enum FromKey {
    static let key = RuleKey(
        name: "from", role: .source,
        summary: "The value at a path, or at the first of several paths that is present (a fallback chain; `explain` says which won). A path is a root, then `.key`, `[index]` or `[\"any key\"]`.",
        schema: ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"], "minItems": 1]]],
        examples: [
            RuleKeyExample(#"{"from": "event.user.id"}"#, #"{"user": {"id": "u1"}}"#, #""u1""#),
            RuleKeyExample(#"{"from": ["event.userId", "event.anonymousId"]}"#, #"{"anonymousId": "a9"}"#, #""a9""#),
            RuleKeyExample(#"{"from": "event.items[1][\"sku code\"]"}"#, #"{"items": [{}, {"sku code": "B-2"}]}"#, #""B-2""#),
            RuleKeyExample(#"{"from": "event.missing"}"#, #"{}"#, "absent"),
        ],
        compile: { value, pointer, compiler, rule in
            let items: [(JSONValue, String)]
            switch value {
            case .string: items = [(value, pointer)]
            case .array(let list) where !list.isEmpty: items = list.enumerated().map { ($1, "\(pointer)/\($0)") }
            default:
                compiler.problem(at: pointer, "must be a path or a non-empty list of paths")
                return
            }
            let paths = items.compactMap { compiler.path($0.0, at: $0.1) }
            if paths.count == items.count { rule.source = .paths(paths) }
        })
}
