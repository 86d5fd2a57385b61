import SwitchboardCore

/// What can be known about a rule without running it, for the checker.
extension Rule {
    /// True when the rule gives a value (or an error) on every input: it never leaves its field out.
    var alwaysProduces: Bool {
        if required { return true }
        if let fallback = self.default, fallback.alwaysProduces { return true }
        guard when == nil, valueMap?.unknown != .absent else { return false }
        switch source {
        case .constant(let value): return !(value.isNull && null == .absent)
        case .now, .uuid, .fields, .list, .merge: return true
        case .paths, .template, .entry, .rest, .each, .sole: return false
        }
    }

    /// The type name of the value when it is known (`string`, `integer`, `number`, `boolean`,
    /// `object`, `array`), else nil.
    var staticType: String? {
        if let time { return time.to == .rfc3339 ? "string" : "integer" }
        if let type, type != .any { return type.rawValue }
        if let convert { return convert.rawValue }
        if valueMap != nil { return nil }
        switch source {
        case .constant(let value): return value.isNull ? nil : value.typeName
        case .now, .uuid, .template: return "string"
        case .fields, .merge, .rest, .entry: return "object"
        case .list, .each: return "array"
        case .sole(_, let key): return key ? "string" : nil
        case .paths: return nil
        }
    }

    /// Every path the rule (and the rules inside it) reads.
    var paths: [Path] {
        var out: [Path] = []
        switch source {
        case .paths(let p): out += p
        case .template(let t): out += t.paths
        case .rest(let p, _), .sole(let p, _): out.append(p)
        case .each(let p, let inner): out.append(p); out += inner.paths.filter { $0.root != "item" && $0.root != "index" }
        case .fields(let members): out += members.flatMap(\.rule.paths)
        case .list(let rules), .merge(let rules): out += rules.flatMap(\.paths)
        case .entry(let k, let v): out += k.paths + v.paths
        case .constant, .now, .uuid: break
        }
        if let fallback = self.default { out += fallback.paths }
        return out
    }
}

extension Rule.ValueType {
    /// Whether a value of static type `produced` fits a field declared as `self`.
    func admits(_ produced: String) -> Bool {
        switch self {
        case .any: true
        case .number: produced == "number" || produced == "integer"
        case .boolean: produced == "boolean"
        default: produced == rawValue
        }
    }
}
