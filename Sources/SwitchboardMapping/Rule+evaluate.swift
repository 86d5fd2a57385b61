import SwitchboardCore

extension Rule {
    /// Evaluates the rule; nil means the value is absent (and not required).
    /// - Throws: ``MappingError`` naming the field, never its value.
    public func evaluate(in context: EvaluationContext, field: String) throws(MappingError) -> JSONValue? {
        let trace = context.trace
        var value: JSONValue?
        var name = field
        if let when, !when.holds(in: context) {
            trace?.add(field, "condition is false, so no value")
        } else {
            let (sourced, sourceField) = try evaluateSource(in: context, field: field)
            value = sourced
            name = sourceField ?? field
        }
        if let present = value, present.isNull {
            switch null {
            case .error: throw MappingError(field: name, message: "may not be null")
            case .keep:
                trace?.add(field, "null kept")
                return .null
            case .absent:
                trace?.add(field, "null counts as absent")
                value = nil
            }
        }
        if let present = value {
            value = try transform(present, field: name, trace: trace)
        }
        if value == nil, let fallback = self.default {
            trace?.add(field, "absent, so the default is used")
            value = try fallback.evaluate(in: context, field: field)
        }
        if value == nil, required {
            throw MappingError(field: name, message: "is required")
        }
        return value
    }

    /// Converts and checks a present value; nil when a lenient value map drops it.
    private func transform(_ input: JSONValue, field: String, trace: ExplainTrace?) throws(MappingError) -> JSONValue? {
        var value = input
        if let split {
            value = try SplitKey.apply(value, separator: split, field: field)
            trace?.add(field, "split at \"\(split)\"")
        }
        if let convert {
            guard let converted = convert.apply(value) else {
                throw MappingError(field: field, message: "cannot be converted to \(convert.rawValue)")
            }
            trace?.add(field, "converted to \(convert.rawValue)")
            value = converted
        }
        if let valueMap {
            guard let mapped = try valueMap.apply(value, field: field) else {
                trace?.add(field, "not in the value map, so no value")
                return nil
            }
            trace?.add(field, "looked up in the value map")
            value = mapped
        }
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
        // A string has no more characters than UTF-8 bytes, so only a long one is counted.
        if let maxLength, case .string(let s) = value, s.utf8.count > maxLength, s.count > maxLength {
            throw MappingError(field: field, message: "must be at most \(maxLength) characters")
        }
        if let time {
            guard let converted = time.apply(value) else {
                throw MappingError(field: field, message: time.expectation)
            }
            trace?.add(field, "time \(time.from.rawValue) → \(time.to.rawValue)")
            value = converted
        }
        if dropNulls {
            value = Self.droppingNulls(value)
            trace?.add(field, "null members dropped")
        }
        if scalarMembers {
            value = ScalarMembersKey.apply(value)
            trace?.add(field, "nested members as JSON text")
        }
        return value
    }

    static func droppingNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            return .object(JSONObject(o.members.compactMap { $0.value.isNull ? nil : (key: $0.key, value: droppingNulls($0.value)) }))
        case .array(let items):
            return .array(items.map(droppingNulls))
        default:
            return value
        }
    }

    /// The source's value and, for a path source, the field name of the path that gave it.
    private func evaluateSource(in context: EvaluationContext, field: String) throws(MappingError)
        -> (JSONValue?, String?)
    {
        let trace = context.trace
        switch source {
        case .paths(let paths):
            for (i, path) in paths.enumerated() {
                if let value = path.resolve(in: context) {
                    trace?.add(field, paths.count == 1 ? "from \(path)" : "from \(path) (fallback \(i + 1) of \(paths.count) was the first present)")
                    return (value, path.fieldName)
                }
            }
            trace?.add(field, "from \(paths.map(\.description).joined(separator: ", ")): absent")
            return (nil, paths.first?.fieldName)
        case .constant(let value):
            trace?.add(field, "constant")
            return (value, nil)
        case .template(let template):
            let text = template.render(in: context)
            trace?.add(field, text == nil ? "template: a placeholder is absent" : "template")
            return (text.map(JSONValue.string), nil)
        case .now:
            trace?.add(field, "the clock's current time")
            return (.string(context.clock.now().rfc3339(precision: .auto)), nil)
        case .uuid:
            trace?.add(field, "a new identifier")
            return (.string(context.identifiers.next()), nil)
        case .fields(let members):
            var object = JSONObject(reservingCapacity: members.count)
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
        case .rest(let path, let except):
            guard let value = path.resolve(in: context) else {
                trace?.add(field, "the rest of \(path): absent")
                return (nil, path.fieldName)
            }
            guard case .object(let object) = value else {
                throw MappingError(field: path.fieldName, message: "must be an object, not \(value.typeName)")
            }
            trace?.add(field, "the rest of \(path)" + (except.isEmpty ? "" : " except \(except.sorted().joined(separator: ", "))"))
            return (.object(JSONObject(object.members.filter { !except.contains($0.key) })), path.fieldName)
        case .merge(let rules):
            var merged = JSONObject()
            for (i, rule) in rules.enumerated() {
                guard let value = try rule.evaluate(in: context, field: "\(field)[\(i)]") else { continue }
                guard case .object(let object) = value else {
                    throw MappingError(field: field, message: "can only merge objects, not \(value.typeName)")
                }
                for member in object.members { merged.set(member.key, member.value) }
            }
            return (.object(merged), nil)
        case .sole(let path, let key):
            guard let member = try SoleKey.member(at: path, in: context) else {
                trace?.add(field, "the one key of \(path): absent")
                return (nil, path.fieldName)
            }
            trace?.add(field, key ? "the one key of \(path)" : "the value under the one key of \(path)")
            return (key ? .string(member.key) : member.value, path.fieldName)
        case .each(let path, let itemRule):
            guard let value = path.resolve(in: context) else { return (nil, path.fieldName) }
            guard case .array(let items) = value else {
                throw MappingError(field: path.fieldName, message: "must be an array, not \(value.typeName)")
            }
            var inner = context
            var output: [JSONValue] = []
            for (i, item) in items.enumerated() {
                inner.set("item", item)
                inner.set("index", .integer(Int64(i)))
                if let mapped = try itemRule.evaluate(in: inner, field: "\(path.fieldName)[\(i)]") { output.append(mapped) }
            }
            return (.array(output), path.fieldName)
        }
    }
}
