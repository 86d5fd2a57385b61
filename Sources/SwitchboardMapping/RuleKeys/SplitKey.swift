import Foundation
import SwitchboardCore

/// `split`: text holding a list, e.g. Builder's comma-separated event types.
enum SplitKey {
    static let key = RuleKey(
        name: "split", role: .modifier,
        summary: "Splits a string at the separator given into an array of its parts, each trimmed of spaces; empty parts are left out, so `\"\"` gives `[]`. Anything but a string is an error.",
        schema: ["type": "string", "minLength": 1],
        examples: [
            RuleKeyExample(#"{"from": "event.types", "split": ","}"#, #"{"types": "new_order, new_contact,"}"#, #"["new_order","new_contact"]"#),
            RuleKeyExample(#"{"from": "event.types", "split": ","}"#, #"{"types": ""}"#, "[]"),
        ],
        compile: { value, pointer, compiler, rule in
            guard case .string(let separator) = value, !separator.isEmpty else {
                return compiler.problem(at: pointer, "must be a non-empty string, e.g. \",\"")
            }
            rule.split = separator
        })

    static func apply(_ value: JSONValue, separator: String, field: String) throws(MappingError) -> JSONValue {
        guard case .string(let text) = value else {
            throw MappingError(field: field, message: "must be a string to split, not \(value.typeName)")
        }
        let parts = text.components(separatedBy: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return .array(parts.map(JSONValue.string))
    }
}
