import SwitchboardCore

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
