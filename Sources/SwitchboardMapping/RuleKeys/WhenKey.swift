import SwitchboardCore

/// A test on the input: equality, membership and existence, combined with all/any/not.
public indirect enum Condition: Sendable {
    /// The path is present (a null counts as present) — or, with `false`, absent.
    case exists(Path, Bool)
    /// The value at the path equals this value (numbers compare by value: 1 equals 1.0).
    case equals(Path, JSONValue)
    /// The value at the path equals one of these.
    case oneOf(Path, [JSONValue])
    /// The string at the path contains one of these, ignoring case (e.g. bot user agents).
    case contains(Path, [String])
    case all([Condition])
    case any([Condition])
    case not(Condition)

    func holds(in context: EvaluationContext) -> Bool {
        switch self {
        case .exists(let path, let expected): return (path.resolve(in: context) != nil) == expected
        case .equals(let path, let value): return path.resolve(in: context).map { Self.same($0, value) } ?? false
        case .oneOf(let path, let values):
            guard let found = path.resolve(in: context) else { return false }
            return values.contains { Self.same(found, $0) }
        case .contains(let path, let parts):
            guard case .string(let text)? = path.resolve(in: context) else { return false }
            let lowered = text.lowercased()
            return parts.contains { lowered.contains($0) }
        case .all(let conditions): return conditions.allSatisfy { $0.holds(in: context) }
        case .any(let conditions): return conditions.contains { $0.holds(in: context) }
        case .not(let condition): return !condition.holds(in: context)
        }
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b {
            if let i = x.int64Value, let j = y.int64Value { return i == j }
            return x.literal == y.literal || x.doubleValue == y.doubleValue
        }
        return a == b
    }
}

/// `when`: a condition; when false the value is absent, so `default` is the "else".
enum WhenKey {
    static let key = RuleKey(
        name: "when", role: .modifier,
        summary: "A condition checked first; when it is false the value is absent, so `default` acts as the \"else\". A condition is `{\"path\": P, \"equals\": V}`, `{\"path\": P, \"in\": [V, …]}`, `{\"path\": P, \"exists\": true|false}` (null counts as existing), `{\"path\": P, \"contains\": [\"bot\", …]}` (a string holding one of these, ignoring case), or `{\"all\": […]}`, `{\"any\": […]}`, `{\"not\": C}`.",
        schema: ["$ref": "#/$defs/condition"],
        examples: [
            RuleKeyExample(#"{"from": "event.email", "when": {"path": "event.consent", "equals": true}}"#, #"{"email": "a@b.c", "consent": true}"#, #""a@b.c""#),
            RuleKeyExample(#"{"from": "event.email", "when": {"path": "event.consent", "equals": true}, "default": {"const": "hidden"}}"#, #"{"email": "a@b.c"}"#, #""hidden""#),
            RuleKeyExample(#"{"const": "vip", "when": {"any": [{"path": "event.tier", "in": ["gold", "platinum"]}, {"path": "event.spend", "equals": 1000}]}}"#, #"{"spend": 1000.0}"#, #""vip""#),
            RuleKeyExample(#"{"const": "anon", "when": {"not": {"path": "event.userId", "exists": true}}}"#, #"{}"#, #""anon""#),
            RuleKeyExample(#"{"const": "bot", "when": {"path": "event.ua", "contains": ["bot", "spider"]}}"#, #"{"ua": "Mozilla/5.0 (compatible; Googlebot/2.1)"}"#, #""bot""#),
        ],
        compile: { value, pointer, compiler, rule in rule.when = compileCondition(value, at: pointer, &compiler) })

    static let schema: JSONValue = [
        "type": "object", "minProperties": 1,
        "properties": [
            "path": ["type": "string"], "equals": [:], "in": ["type": "array"], "exists": ["type": "boolean"],
            "contains": ["type": "array", "items": ["type": "string", "minLength": 1]],
            "all": ["type": "array", "items": ["$ref": "#/$defs/condition"]],
            "any": ["type": "array", "items": ["$ref": "#/$defs/condition"]],
            "not": ["$ref": "#/$defs/condition"],
        ],
        "additionalProperties": false,
    ]

    static func compileCondition(_ value: JSONValue, at pointer: String, _ compiler: inout RuleCompiler) -> Condition? {
        let keys = ["path", "equals", "in", "exists", "contains", "all", "any", "not"]
        guard let r = JSONReader(value, file: compiler.file, pointer: pointer, allowed: keys, problems: &compiler.problems) else { return nil }
        func list(_ key: String) -> [Condition]? {
            guard case .array(let items)? = r.object[key], !items.isEmpty else {
                compiler.problem(at: r.at(key), "must be a non-empty list of conditions")
                return nil
            }
            let conditions = items.enumerated().compactMap { compileCondition($1, at: "\(r.at(key))/\($0)", &compiler) }
            return conditions.count == items.count ? conditions : nil
        }
        if r.object["all"] != nil { return list("all").map(Condition.all) }
        if r.object["any"] != nil { return list("any").map(Condition.any) }
        if let inner = r.object["not"] { return compileCondition(inner, at: r.at("not"), &compiler).map(Condition.not) }
        guard let pathJSON = r.object["path"] else {
            compiler.problem(at: pointer, "a condition needs 'path' with 'equals', 'in', 'exists' or 'contains', or one of 'all', 'any', 'not'")
            return nil
        }
        guard let path = compiler.path(pathJSON, at: r.at("path")) else { return nil }
        let tests = ["equals", "in", "exists", "contains"].filter { r.object[$0] != nil }
        guard tests.count == 1 else {
            compiler.problem(at: pointer, "a condition on a path needs exactly one of 'equals', 'in', 'exists', 'contains'")
            return nil
        }
        switch tests[0] {
        case "equals": return .equals(path, r.object["equals"]!)
        case "in":
            guard let values = r.object["in"]?.arrayValue else {
                compiler.problem(at: r.at("in"), "must be a list of values")
                return nil
            }
            return .oneOf(path, values)
        case "contains":
            guard let parts = r.object["contains"]?.arrayValue?.compactMap(\.stringValue), !parts.isEmpty,
                parts.count == r.object["contains"]?.arrayValue?.count, parts.allSatisfy({ !$0.isEmpty && $0.count <= 200 }), parts.count <= 200
            else {
                compiler.problem(at: r.at("contains"), "must be a list of 1 to 200 non-empty strings (at most 200 characters each)")
                return nil
            }
            return .contains(path, parts.map { $0.lowercased() })
        default:
            return .exists(path, compiler.flag(r.object["exists"]!, at: r.at("exists")))
        }
    }
}
