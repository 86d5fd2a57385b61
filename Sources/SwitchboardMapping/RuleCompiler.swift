import SwitchboardCore

/// Compiles the JSON form of rules into ``Rule``s through the ``RuleKeys`` registry, collecting
/// every problem with its file and JSON pointer.
struct RuleCompiler {
    let file: String
    /// The roots paths may start with (e.g. `body`, `path` for a decode mapping).
    private(set) var roots: [String]
    var problems: [ConfigProblem] = []

    init(file: String, roots: [String]) {
        self.file = file
        self.roots = roots
    }

    /// Compiles an object of named rules (`{"userId": {…}, …}`), keeping their order.
    mutating func compileFields(_ value: JSONValue, at pointer: String) -> [Rule.Field] {
        guard case .object(let object) = value else {
            problem(at: pointer, "must be an object of rules")
            return []
        }
        return object.members.compactMap { member in
            compile(member.value, at: "\(pointer)/\(pointerEscape(member.key))").map { Rule.Field(key: member.key, rule: $0) }
        }
    }

    mutating func compile(_ value: JSONValue, at pointer: String) -> Rule? {
        guard let reader = JSONReader(value, file: file, pointer: pointer, allowed: RuleKeys.names, problems: &problems)
        else { return nil }
        let sources = RuleKeys.sourceNames.filter { reader.object[$0] != nil }
        guard sources.count == 1 else {
            problem(at: pointer, sources.isEmpty
                ? "a rule needs one of \(RuleKeys.sourceNames.joined(separator: ", "))"
                : "a rule has exactly one source, found \(sources.joined(separator: " and "))")
            return nil
        }
        let before = problems.count
        var rule = Rule(source: .constant(.null))
        for member in reader.object.members {
            guard let key = RuleKeys.byName[member.key] else { continue }
            key.compile(member.value, reader.at(member.key), &self, &rule)
        }
        return problems.count == before ? rule : nil
    }

    mutating func setRoots(_ roots: [String]) { self.roots = roots }

    mutating func problem(at pointer: String, _ message: String) {
        problems.append(ConfigProblem(file: file, pointer: pointer, message: message))
    }

    mutating func path(_ value: JSONValue, at pointer: String) -> Path? {
        guard case .string(let text) = value, let path = Path(text) else {
            problem(at: pointer, "'\(value.stringValue ?? JSONWriter.string(value))' is not a path (e.g. body.items[0].name)")
            return nil
        }
        checkRoot(path, at: pointer)
        return path
    }

    mutating func checkRoot(_ path: Path, at pointer: String) {
        guard !roots.contains(path.root) else { return }
        problem(at: pointer, "unknown root '\(path.root)' in path '\(path)'; here a path starts with \(roots.joined(separator: ", "))\(Suggestion.hint(for: path.root, in: roots))")
    }

    mutating func string(_ value: JSONValue, at pointer: String) -> String? {
        guard case .string(let s) = value else {
            problem(at: pointer, "must be a string, not \(value.typeName)")
            return nil
        }
        return s
    }

    mutating func flag(_ value: JSONValue, at pointer: String) -> Bool {
        guard case .bool(let b) = value else {
            problem(at: pointer, "must be true or false, not \(value.typeName)")
            return false
        }
        return b
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ value: JSONValue, at pointer: String) -> T?
    where T.RawValue == String {
        JSONReader.choice(value, file: file, pointer: pointer, problems: &problems)
    }

    /// The JSON Schema of a choice among `T`'s cases.
    static func enumSchema<T: RawRepresentable & CaseIterable>(_: T.Type) -> JSONValue where T.RawValue == String {
        ["enum": .array(T.allCases.map { .string($0.rawValue) })]
    }

    static let ruleSchema: JSONValue = ["$ref": "#/$defs/rule"]
}
