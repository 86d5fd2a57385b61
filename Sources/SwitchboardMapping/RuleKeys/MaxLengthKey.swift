import SwitchboardCore

/// `maxLength`: the longest string accepted.
enum MaxLengthKey {
    static let key = RuleKey(
        name: "maxLength", role: .modifier,
        summary: "The most characters a string may have; a longer one is an error, never cut short.",
        schema: ["type": "integer", "minimum": 0],
        examples: [RuleKeyExample(#"{"from": "event.s", "maxLength": 3}"#, #"{"s": "abcd"}"#, "error: s must be at most 3 characters")],
        compile: { value, pointer, compiler, rule in
            guard case .number(let n) = value, let i = n.int64Value, i >= 0, i <= 1_000_000 else {
                return compiler.problem(at: pointer, "must be an integer in 0...1000000")
            }
            rule.maxLength = Int(i)
        })
}
