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

/// `const`: a fixed value.
enum ConstKey {
    static let key = RuleKey(
        name: "const", role: .source,
        summary: "A fixed value. `0`, `false`, `\"\"`, `[]` and `{}` are all values like any other.",
        schema: [:],
        examples: [
            RuleKeyExample(#"{"const": "track"}"#, #"{}"#, #""track""#),
            RuleKeyExample(#"{"const": false}"#, #"{}"#, "false"),
        ],
        compile: { value, _, _, rule in rule.source = .constant(value) })
}

/// `now`: the current time.
enum NowKey {
    static let key = RuleKey(
        name: "now", role: .source,
        summary: "The current time as RFC 3339 text in UTC, read from an injectable clock (examples and fixtures read 2024-12-25T10:00:00Z). Follow with `time` for another format.",
        schema: ["const": true],
        examples: [
            RuleKeyExample(#"{"now": true}"#, #"{}"#, #""2024-12-25T10:00:00Z""#),
            RuleKeyExample(#"{"now": true, "time": {"from": "rfc3339", "to": "unix_milliseconds"}}"#, #"{}"#, "1735120800000"),
        ],
        compile: { value, pointer, compiler, rule in
            guard value == .bool(true) else { return compiler.problem(at: pointer, "must be true") }
            rule.source = .now
        })
}

/// `template`: text with values filled in.
enum TemplateKey {
    static let key = RuleKey(
        name: "template", role: .source,
        summary: "Text with `{path}` placeholders filled in (`{{` and `}}` for literal braces). Absent when a placeholder's path is absent.",
        schema: ["type": "string"],
        examples: [
            RuleKeyExample(#"{"template": "{event.first} {event.last}"}"#, #"{"first": "Ada", "last": "Lovelace"}"#, #""Ada Lovelace""#),
            RuleKeyExample(#"{"template": "order-{event.id}"}"#, #"{"id": 42}"#, #""order-42""#),
            RuleKeyExample(#"{"template": "{event.first} {event.last}"}"#, #"{"first": "Ada"}"#, "absent"),
        ],
        compile: { value, pointer, compiler, rule in
            guard let text = compiler.string(value, at: pointer) else { return }
            do {
                let template = try Template(parsing: text)
                for path in template.paths { compiler.checkRoot(path, at: pointer) }
                rule.source = .template(template)
            } catch {
                compiler.problem(at: pointer, (error as? TemplateSyntaxError)?.message ?? "not a template")
            }
        })
}
