import SwitchboardCore

/// A type conversion that fails loudly: a value that does not convert exactly is an error.
public enum Conversion: String, Sendable, CaseIterable {
    case string, integer, number, boolean

    /// The converted value, or nil when `value` has no exact counterpart.
    func apply(_ value: JSONValue) -> JSONValue? {
        switch (self, value) {
        case (.string, .string), (.integer, .number), (.number, .number), (.boolean, .bool):
            if self == .integer, case .number(let n) = value, !n.isInteger { return nil }
            return value
        case (.string, .number(let n)): return .string(n.literal)
        case (.string, .bool(let b)): return .string(b ? "true" : "false")
        case (.integer, .string(let s)):
            guard let i = Int64(s) else { return nil }
            return .integer(i)
        case (.number, .string(let s)):
            guard let parsed = try? JSONParser.parse(s), case .number = parsed else { return nil }
            return parsed
        case (.boolean, .string("true")): return .bool(true)
        case (.boolean, .string("false")): return .bool(false)
        default: return nil
        }
    }
}

/// `convert`: change a value's type, exactly or not at all.
enum ConvertKey {
    static let key = RuleKey(
        name: "convert", role: .modifier,
        summary: "Converts a present value to `string`, `integer`, `number` or `boolean`, exactly or not at all: `\"42\"` → 42, 42 → `\"42\"`, `\"true\"` → true; `\"4x\"`, 1.5 → integer, `\"yes\"` → boolean, and objects are errors, never guesses. Numbers keep their exact digits.",
        schema: RuleCompiler.enumSchema(Conversion.self),
        examples: [
            RuleKeyExample(#"{"from": "event.id", "convert": "string"}"#, #"{"id": 12345678901234567}"#, #""12345678901234567""#),
            RuleKeyExample(#"{"from": "event.qty", "convert": "integer"}"#, #"{"qty": "42"}"#, "42"),
            RuleKeyExample(#"{"from": "event.qty", "convert": "integer"}"#, #"{"qty": "4x"}"#, "error: qty cannot be converted to integer"),
            RuleKeyExample(#"{"from": "event.ok", "convert": "boolean"}"#, #"{"ok": "yes"}"#, "error: ok cannot be converted to boolean"),
        ],
        compile: { value, pointer, compiler, rule in rule.convert = compiler.choice(value, at: pointer) })
}
