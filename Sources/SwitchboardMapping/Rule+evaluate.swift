import SwitchboardCore

extension Rule {
    /// Evaluates the rule; nil means the value is absent (and not required).
    /// - Throws: ``MappingError`` naming the field, never its value.
    public func evaluate(in context: EvaluationContext, field: String) throws(MappingError) -> JSONValue? {
        var (value, sourceField) = try evaluateSource(in: context, field: field)
        let name = sourceField ?? field
        if let present = value, present.isNull {
            switch null {
            case .error: throw MappingError(field: name, message: "may not be null")
            case .keep: return .null
            case .absent: value = nil
            }
        }
        if let present = value {
            value = try check(present, field: name)
        }
        if value == nil, let fallback = self.default {
            value = try fallback.evaluate(in: context, field: field)
        }
        if value == nil, required {
            throw MappingError(field: name, message: "is required")
        }
        return value
    }

    private func check(_ value: JSONValue, field: String) throws(MappingError) -> JSONValue {
        if let type, !type.accepts(value) {
            throw MappingError(field: field, message: "must be \(type.article), not \(value.typeName)")
        }
        if nonEmpty {
            let empty: Bool
            switch value {
            case .string(let s): empty = s.isEmpty
            case .array(let a): empty = a.isEmpty
            case .object(let o): empty = o.isEmpty
            default: empty = false
            }
            if empty { throw MappingError(field: field, message: "may not be empty") }
        }
        if let maxLength, case .string(let s) = value, s.count > maxLength {
            throw MappingError(field: field, message: "must be at most \(maxLength) characters")
        }
        if let time {
            guard let converted = time.apply(value) else {
                throw MappingError(field: field, message: time.expectation)
            }
            return converted
        }
        return value
    }

    /// The source's value and, for a path source, the field name of the path that gave it.
    private func evaluateSource(in context: EvaluationContext, field: String) throws(MappingError)
        -> (JSONValue?, String?)
    {
        switch source {
        case .paths(let paths):
            for path in paths {
                if let value = path.resolve(in: context) { return (value, path.fieldName) }
            }
            return (nil, paths.first?.fieldName)
        case .constant(let value):
            return (value, nil)
        case .template(let template):
            return (template.render(in: context).map(JSONValue.string), nil)
        case .now:
            return (.string(context.clock.now().rfc3339(precision: .auto)), nil)
        case .fields(let members):
            var object = JSONObject()
            for member in members {
                let childField = field.isEmpty ? member.key : "\(field).\(member.key)"
                if let value = try member.rule.evaluate(in: context, field: childField) {
                    object.append(member.key, value)
                }
            }
            return (.object(object), nil)
        case .list(let rules):
            var items: [JSONValue] = []
            for (i, rule) in rules.enumerated() {
                if let value = try rule.evaluate(in: context, field: "\(field)[\(i)]") { items.append(value) }
            }
            return (.array(items), nil)
        case .entry(let keyRule, let valueRule):
            guard case .string(let key)? = try keyRule.evaluate(in: context, field: field),
                let value = try valueRule.evaluate(in: context, field: field)
            else { return (nil, nil) }
            return (.object(JSONObject([(key: key, value: value)])), nil)
        }
    }
}
