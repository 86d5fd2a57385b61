import Foundation
import SwitchboardCore

/// Checks a JSON value against the subset of JSON Schema 2020-12 the published schemas use:
/// type, properties, additionalProperties, required, enum, const, items, minItems, oneOf, allOf,
/// $ref to #/$defs, pattern, minProperties, minimum, maximum, propertyNames.
struct SchemaValidator {
    let root: JSONValue

    /// Every violation, as "pointer: problem".
    func errors(_ value: JSONValue) -> [String] {
        var out: [String] = []
        check(value, root, "", &out)
        return out
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, _ at: String, _ out: inout [String]) {
        guard case .object(let s) = schema else { return }
        if let ref = s["$ref"]?.stringValue, ref.hasPrefix("#/$defs/") {
            check(value, root["$defs"]?[String(ref.dropFirst(8))] ?? [:], at, &out)
        }
        if let type = s["type"]?.stringValue, !Self.matches(value, type) { out.append("\(at): not \(type)") }
        if let options = s["enum"]?.arrayValue, !options.contains(value) { out.append("\(at): not one of the enum") }
        if let constant = s["const"], constant != value { out.append("\(at): not the constant") }
        if let all = s["allOf"]?.arrayValue { for sub in all { check(value, sub, at, &out) } }
        if let one = s["oneOf"]?.arrayValue {
            let passing = one.filter { sub in
                var e: [String] = []
                check(value, sub, at, &e)
                return e.isEmpty
            }
            if passing.count != 1 { out.append("\(at): matches \(passing.count) of oneOf, not exactly 1") }
        }
        if case .string(let text) = value, let pattern = s["pattern"]?.stringValue,
            text.range(of: pattern, options: .regularExpression) == nil
        {
            out.append("\(at): does not match \(pattern)")
        }
        if case .number(let n) = value {
            if let min = s["minimum"]?.numberValue, n.doubleValue < min.doubleValue { out.append("\(at): below minimum") }
            if let max = s["maximum"]?.numberValue, n.doubleValue > max.doubleValue { out.append("\(at): above maximum") }
        }
        if case .array(let items) = value {
            if let min = s["minItems"]?.numberValue?.int64Value, items.count < min { out.append("\(at): too few items") }
            if let itemSchema = s["items"] { for (i, item) in items.enumerated() { check(item, itemSchema, "\(at)/\(i)", &out) } }
        }
        if case .object(let o) = value {
            if let min = s["minProperties"]?.numberValue?.int64Value, o.count < min { out.append("\(at): too few properties") }
            for key in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where o[key] == nil {
                out.append("\(at): missing \(key)")
            }
            let properties = s["properties"]?.objectValue
            for member in o.members {
                let path = "\(at)/\(member.key)"
                if let names = s["propertyNames"] { check(.string(member.key), names, path, &out) }
                if let sub = properties?[member.key] {
                    check(member.value, sub, path, &out)
                } else if let extra = s["additionalProperties"] {
                    if extra == .bool(false) { out.append("\(path): not allowed") } else { check(member.value, extra, path, &out) }
                }
            }
        }
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            true
        case ("integer", .number(let n)): n.isInteger
        default: false
        }
    }
}
