import SwitchboardCore

/// Checks mappings against what they connect: a decode mapping must produce known canonical
/// fields of the right type; an encode mapping must read known canonical fields and produce, on
/// every path, every field the vendor's request requires, with compatible types.
enum MappingChecker {
    static func checkDecode(_ mapping: Mapping, problems: inout [ConfigProblem]) {
        for field in mapping.fields {
            let (key, rule) = (field.key, field.rule)
            let pointer = "/fields/\(pointerEscape(key))"
            guard let expected = CanonicalEvent.type(of: key) else {
                problems.append(ConfigProblem(file: mapping.file, pointer: pointer,
                    message: "'\(key)' is not a canonical event field\(Suggestion.hint(for: key, in: CanonicalEvent.names)); the fields are \(CanonicalEvent.names.joined(separator: ", "))"))
                continue
            }
            if let produced = rule.staticType, produced != expected {
                problems.append(ConfigProblem(file: mapping.file, pointer: pointer,
                    message: "the canonical '\(key)' is \(expected == "object" ? "an" : "a") \(expected), but this rule gives \(produced == "integer" || produced == "object" || produced == "array" ? "an" : "a") \(produced)"))
            }
        }
    }

    static func checkEncode(_ mapping: Mapping, against request: RequestSchema?, vendor: String, problems: inout [ConfigProblem]) {
        for field in mapping.fields where !mapping.batch {
            let (key, rule) = (field.key, field.rule)
            for path in rule.paths where path.root == "event" {
                guard case .key(let field)? = path.segments.first else { continue }
                if CanonicalEvent.type(of: field) == nil {
                    problems.append(ConfigProblem(file: mapping.file, pointer: "/fields/\(pointerEscape(key))",
                        message: "'\(path)' reads '\(field)', which is not a canonical event field\(Suggestion.hint(for: field, in: CanonicalEvent.names))"))
                }
            }
        }
        guard let request else { return }
        let produced = Dictionary(mapping.fields.map { ($0.key, $0.rule) }, uniquingKeysWith: { a, _ in a })
        for name in request.required {
            let pointer = "/fields"
            guard let rule = produced[name] else {
                problems.append(ConfigProblem(file: mapping.file, pointer: pointer, message: "\(vendor) requires '\(name)', which this mapping does not produce"))
                continue
            }
            if !rule.alwaysProduces {
                problems.append(ConfigProblem(file: mapping.file, pointer: "\(pointer)/\(pointerEscape(name))",
                    message: "\(vendor) requires '\(name)', but this rule can give nothing; add \"required\": true or a default that always gives a value"))
            }
        }
        for field in mapping.fields {
            let (key, rule) = (field.key, field.rule)
            let pointer = "/fields/\(pointerEscape(key))"
            guard let declared = request.properties[key] else {
                if !request.properties.isEmpty {
                    problems.append(ConfigProblem(file: mapping.file, pointer: pointer,
                        message: "\(vendor)'s request has no field '\(key)'\(Suggestion.hint(for: key, in: request.properties.keys))"))
                }
                continue
            }
            if let type = rule.staticType, !declared.admits(type) {
                problems.append(ConfigProblem(file: mapping.file, pointer: pointer,
                    message: "\(vendor) expects '\(key)' to be \(declared.article), but this rule gives \(type)"))
            }
        }
    }
}

/// The top-level fields a vendor's request body has, their types, and which are required.
public struct RequestSchema: Sendable {
    public let properties: [String: Rule.ValueType]
    public let required: [String]

    static func compile(_ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem]) -> RequestSchema? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: ["properties", "required"], problems: &problems) else { return nil }
        var properties: [String: Rule.ValueType] = [:]
        if case .object(let o)? = r.object["properties"] {
            for member in o.members {
                guard let text = member.value.stringValue, let type = Rule.ValueType(rawValue: text) else {
                    problems.append(ConfigProblem(file: file, pointer: r.at("properties") + "/" + pointerEscape(member.key),
                        message: "must be one of \(Rule.ValueType.allCases.map(\.rawValue).joined(separator: ", "))"))
                    continue
                }
                properties[member.key] = type
            }
        }
        let required = r.object["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for name in required where !properties.isEmpty && properties[name] == nil {
            problems.append(r.problem(at: "required", "'\(name)' is required but not among the properties"))
        }
        return RequestSchema(properties: properties, required: required)
    }
}
