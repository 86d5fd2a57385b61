import SwitchboardCore

/// `null`: what a null source value means.
enum NullKey {
    static let key = RuleKey(
        name: "null", role: .modifier,
        summary: "What a null source value means: `error` (the default: \"may not be null\"), `keep` (pass the null on) or `absent` (treat it as missing, so `default` and `required` apply). Absent, null, empty and present are four different states.",
        schema: RuleCompiler.enumSchema(Rule.NullHandling.self),
        examples: [
            RuleKeyExample(#"{"from": "event.x"}"#, #"{"x": null}"#, "error: x may not be null"),
            RuleKeyExample(#"{"from": "event.x", "null": "keep"}"#, #"{"x": null}"#, "null"),
            RuleKeyExample(#"{"from": "event.x", "null": "absent", "default": {"const": 0}}"#, #"{"x": null}"#, "0"),
        ],
        compile: { value, pointer, compiler, rule in
            if let choice: Rule.NullHandling = compiler.choice(value, at: pointer) { rule.null = choice }
        })
}

/// `type`: the type the value must have.
enum TypeKey {
    static let key = RuleKey(
        name: "type", role: .modifier,
        summary: "The type a present value must have: `string`, `integer` (a number written without fraction or exponent), `number`, `boolean`, `object`, `array` or `any`. Nothing is coerced; see `convert`.",
        schema: RuleCompiler.enumSchema(Rule.ValueType.self),
        examples: [
            RuleKeyExample(#"{"from": "event.n", "type": "integer"}"#, #"{"n": 3}"#, "3"),
            RuleKeyExample(#"{"from": "event.n", "type": "integer"}"#, #"{"n": 1.5}"#, "error: n must be an integer, not number"),
            RuleKeyExample(#"{"from": "event.n", "type": "string"}"#, #"{"n": 3}"#, "error: n must be a string, not integer"),
        ],
        compile: { value, pointer, compiler, rule in rule.type = compiler.choice(value, at: pointer) })
}

/// `nonEmpty`: no empty string, array or object.
enum NonEmptyKey {
    static let key = RuleKey(
        name: "nonEmpty", role: .modifier,
        summary: "When true, `\"\"`, `[]` and `{}` are errors.",
        schema: ["type": "boolean"],
        examples: [
            RuleKeyExample(#"{"from": "event.s", "nonEmpty": true}"#, #"{"s": ""}"#, "error: s may not be empty"),
            RuleKeyExample(#"{"from": "event.s"}"#, #"{"s": ""}"#, #""""#),
        ],
        compile: { value, pointer, compiler, rule in rule.nonEmpty = compiler.flag(value, at: pointer) })
}

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

/// `time`: convert between explicitly named time formats.
enum TimeKey {
    static let key = RuleKey(
        name: "time", role: .modifier,
        summary: "Converts a time: `{\"from\": F, \"to\": F, \"precision\": P}`. Formats: `unix_seconds` and `unix_milliseconds` (non-negative JSON integers — the unit is never guessed from the size of a number) and `rfc3339` (text with a zone, written in UTC). Precision of RFC 3339 output: `seconds`, `milliseconds`, `microseconds`, `nanoseconds` or `auto` (the default: as many digits as needed). Years 1970–9999. A value that is not a time in the `from` format is an error.",
        schema: ["type": "object", "properties": [
            "from": RuleCompiler.enumSchema(TimeConversion.Format.self), "to": RuleCompiler.enumSchema(TimeConversion.Format.self),
            "precision": RuleCompiler.enumSchema(Instant.FractionPrecision.self),
        ], "required": ["from", "to"], "additionalProperties": false],
        examples: [
            RuleKeyExample(#"{"from": "event.t", "time": {"from": "unix_seconds", "to": "rfc3339"}}"#, #"{"t": 1426967129}"#, #""2015-03-21T19:45:29Z""#),
            RuleKeyExample(#"{"from": "event.t", "time": {"from": "unix_milliseconds", "to": "rfc3339", "precision": "milliseconds"}}"#, #"{"t": 1700000000123}"#, #""2023-11-14T22:13:20.123Z""#),
            RuleKeyExample(#"{"from": "event.t", "time": {"from": "rfc3339", "to": "unix_seconds"}}"#, #"{"t": "2023-11-14T23:13:20+01:00"}"#, "1700000000"),
            RuleKeyExample(#"{"from": "event.t", "time": {"from": "unix_seconds", "to": "rfc3339"}}"#, #"{"t": 1700000000123}"#, "error: t must be a Unix time in whole seconds (a non-negative integer)"),
        ],
        compile: { value, pointer, compiler, rule in
            guard let r = JSONReader(value, file: compiler.file, pointer: pointer, allowed: ["from", "to", "precision"], problems: &compiler.problems)
            else { return }
            guard let fromJSON = r.object["from"], let toJSON = r.object["to"] else {
                return compiler.problem(at: pointer, "a time conversion needs 'from' and 'to' formats")
            }
            let from: TimeConversion.Format? = compiler.choice(fromJSON, at: r.at("from"))
            let to: TimeConversion.Format? = compiler.choice(toJSON, at: r.at("to"))
            var precision = Instant.FractionPrecision.auto
            if let p = r.object["precision"] {
                guard let chosen: Instant.FractionPrecision = compiler.choice(p, at: r.at("precision")) else { return }
                precision = chosen
            }
            if let from, let to { rule.time = TimeConversion(from: from, to: to, precision: precision) }
        })
}

/// `dropNulls`: remove null members.
enum DropNullsKey {
    static let key = RuleKey(
        name: "dropNulls", role: .modifier,
        summary: "When true, members whose value is null are removed from the object, at every depth (array elements stay).",
        schema: ["type": "boolean"],
        examples: [RuleKeyExample(#"{"from": "event.p", "dropNulls": true}"#, #"{"p": {"a": null, "b": {"c": null, "d": 1}, "e": [null]}}"#, #"{"b":{"d":1},"e":[null]}"#)],
        compile: { value, pointer, compiler, rule in rule.dropNulls = compiler.flag(value, at: pointer) })
}

/// `default`: the rule used when the value is absent.
enum DefaultKey {
    static let key = RuleKey(
        name: "default", role: .modifier,
        summary: "A rule evaluated when the value is absent (or null with `\"null\": \"absent\"`, or a condition was false). Its result is used as it is.",
        schema: RuleCompiler.ruleSchema,
        examples: [
            RuleKeyExample(#"{"from": "event.p", "default": {"const": {}}}"#, #"{}"#, "{}"),
            RuleKeyExample(#"{"from": "event.t", "default": {"now": true}}"#, #"{}"#, #""2024-12-25T10:00:00Z""#),
        ],
        compile: { value, pointer, compiler, rule in rule.default = compiler.compile(value, at: pointer) })
}

/// `required`: absent is an error.
enum RequiredKey {
    static let key = RuleKey(
        name: "required", role: .modifier,
        summary: "When true, a value still absent after `default` is an error; otherwise an absent value is simply left out.",
        schema: ["type": "boolean"],
        examples: [RuleKeyExample(#"{"from": "event.name", "required": true}"#, #"{}"#, "error: name is required")],
        compile: { value, pointer, compiler, rule in rule.required = compiler.flag(value, at: pointer) })
}
