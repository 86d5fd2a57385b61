import SwitchboardCore

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
