import SwitchboardCore

/// Compiles the JSON form of rules into ``Rule``s, collecting every problem with its pointer.
struct RuleCompiler {
    static let sourceKeys = ["from", "const", "template", "now", "fields", "list", "entry"]
    static let modifierKeys = ["type", "null", "nonEmpty", "maxLength", "required", "time", "default"]

    let file: String
    /// The roots paths may start with (e.g. `body`, `path` for a decode mapping).
    let roots: [String]
    var problems: [ConfigProblem] = []

    init(file: String, roots: [String]) {
        self.file = file
        self.roots = roots
    }

    /// Compiles an object of named rules (`{"userId": {…}, …}`), keeping their order.
    mutating func compileFields(_ value: JSONValue, at pointer: String) -> [(key: String, rule: Rule)] {
        guard case .object(let object) = value else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be an object of rules"))
            return []
        }
        return object.members.compactMap { member in
            compile(member.value, at: "\(pointer)/\(pointerEscape(member.key))").map { (key: member.key, rule: $0) }
        }
    }

    mutating func compile(_ value: JSONValue, at pointer: String) -> Rule? {
        guard let reader = JSONReader(value, file: file, pointer: pointer,
                                      allowed: Self.sourceKeys + Self.modifierKeys, problems: &problems)
        else { return nil }
        let given = Self.sourceKeys.filter { reader.object[$0] != nil }
        guard given.count == 1, let key = given.first, let sourceValue = reader.object[key] else {
            let message = given.isEmpty
                ? "a rule needs one of \(Self.sourceKeys.joined(separator: ", "))"
                : "a rule has exactly one source, found \(given.joined(separator: " and "))"
            problems.append(ConfigProblem(file: file, pointer: pointer, message: message))
            return nil
        }
        guard let source = compileSource(key, sourceValue, at: reader.at(key)) else { return nil }
        var rule = Rule(source: source)
        rule.type = reader.choice("type", Rule.ValueType.self, problems: &problems)
        rule.null = reader.choice("null", Rule.NullHandling.self, problems: &problems) ?? .error
        rule.nonEmpty = reader.bool("nonEmpty", problems: &problems) ?? false
        rule.required = reader.bool("required", problems: &problems) ?? false
        rule.maxLength = reader.int("maxLength", range: 0...1_000_000, problems: &problems).map(Int.init)
        if let time = reader.object["time"] {
            rule.time = compileTime(time, at: reader.at("time"))
        }
        if let fallback = reader.object["default"] {
            rule.default = compile(fallback, at: reader.at("default"))
        }
        return rule
    }

    private mutating func compileSource(_ key: String, _ value: JSONValue, at pointer: String) -> Rule.Source? {
        switch key {
        case "from":
            let texts: [JSONValue]
            switch value {
            case .string: texts = [value]
            case .array(let items) where !items.isEmpty: texts = items
            default:
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be a path or a non-empty list of paths"))
                return nil
            }
            var paths: [Path] = []
            for (i, text) in texts.enumerated() {
                let itemPointer = texts.count == 1 && value.stringValue != nil ? pointer : "\(pointer)/\(i)"
                if let path = compilePath(text, at: itemPointer) { paths.append(path) }
            }
            return paths.count == texts.count ? .paths(paths) : nil
        case "const":
            return .constant(value)
        case "template":
            guard case .string(let text) = value else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be a string"))
                return nil
            }
            do {
                let template = try Template(parsing: text)
                for path in template.paths { checkRoot(path, at: pointer) }
                return .template(template)
            } catch {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: error.message))
                return nil
            }
        case "now":
            guard value == .bool(true) else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be true"))
                return nil
            }
            return .now
        case "fields":
            return .fields(compileFields(value, at: pointer))
        case "list":
            guard case .array(let items) = value else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be a list of rules"))
                return nil
            }
            return .list(items.enumerated().compactMap { compile($1, at: "\(pointer)/\($0)") })
        default:  // "entry"
            guard let reader = JSONReader(value, file: file, pointer: pointer, allowed: ["key", "value"], problems: &problems)
            else { return nil }
            guard let keyValue = reader.object["key"], let valueValue = reader.object["value"] else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "an entry needs 'key' and 'value' rules"))
                return nil
            }
            guard let keyRule = compile(keyValue, at: reader.at("key")),
                let valueRule = compile(valueValue, at: reader.at("value"))
            else { return nil }
            return .entry(key: keyRule, value: valueRule)
        }
    }

    private mutating func compilePath(_ value: JSONValue, at pointer: String) -> Path? {
        guard case .string(let text) = value, let path = Path(text) else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "'\(value.stringValue ?? JSONWriter.string(value))' is not a path (e.g. body.items[0].name)"))
            return nil
        }
        checkRoot(path, at: pointer)
        return path
    }

    private mutating func checkRoot(_ path: Path, at pointer: String) {
        guard !roots.contains(path.root) else { return }
        problems.append(ConfigProblem(
            file: file, pointer: pointer,
            message: "unknown root '\(path.root)' in path '\(path)'; here a path starts with \(roots.joined(separator: ", "))\(Suggestion.hint(for: path.root, in: roots))"))
    }

    private mutating func compileTime(_ value: JSONValue, at pointer: String) -> TimeConversion? {
        guard let reader = JSONReader(value, file: file, pointer: pointer, allowed: ["from", "to", "precision"], problems: &problems)
        else { return nil }
        let from = reader.choice("from", TimeConversion.Format.self, problems: &problems)
        let to = reader.choice("to", TimeConversion.Format.self, problems: &problems)
        let precision = reader.choice("precision", Instant.FractionPrecision.self, problems: &problems) ?? .auto
        guard let from, let to else {
            if reader.object["from"] == nil || reader.object["to"] == nil {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "a time conversion needs 'from' and 'to' formats"))
            }
            return nil
        }
        return TimeConversion(from: from, to: to, precision: precision)
    }
}
