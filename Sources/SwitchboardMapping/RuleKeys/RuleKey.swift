import SwitchboardCore

/// One key a rule may have: its documentation, the JSON Schema of its value, examples, and how it
/// compiles into a ``Rule``. The checker, `mappings/schema/mapping.schema.json` and
/// `docs/RULES.md` are all generated from ``RuleKeys/all``, so they cannot drift apart.
public struct RuleKey: Sendable {
    public enum Role: String, Sendable {
        /// Gives the value; a rule has exactly one.
        case source
        /// Checks, converts or replaces the value.
        case modifier
    }

    public let name: String
    public let role: Role
    /// What the key does, in a sentence or two (Markdown).
    public let summary: String
    /// JSON Schema of the key's value; `{"$ref": "#/$defs/rule"}` stands for a nested rule.
    public let schema: JSONValue
    public let examples: [RuleKeyExample]
    let compile: @Sendable (_ value: JSONValue, _ pointer: String, _ compiler: inout RuleCompiler, _ rule: inout Rule) -> Void

    init(
        name: String, role: Role, summary: String, schema: JSONValue, examples: [RuleKeyExample],
        compile: @escaping @Sendable (JSONValue, String, inout RuleCompiler, inout Rule) -> Void
    ) {
        self.name = name
        self.role = role
        self.summary = summary
        self.schema = schema
        self.examples = examples
        self.compile = compile
    }
}

/// A worked example of a rule key, run as a test and shown in the reference: a rule, the `event`
/// it reads, and the output (`absent` when there is none) or the error.
public struct RuleKeyExample: Sendable {
    public let rule: String
    public let event: String
    public let result: String

    init(_ rule: String, _ event: String, _ result: String) {
        self.rule = rule
        self.event = event
        self.result = result
    }
}

/// Every rule key, in the order the reference lists them.
public enum RuleKeys {
    public static let all: [RuleKey] = [
        FromKey.key, ConstKey.key, TemplateKey.key, NowKey.key, UUIDKey.key, FieldsKey.key, ListKey.key, EntryKey.key,
        RestKey.key, MergeKey.key, EachKey.key, SoleKey.key, SoleKey.value,
        WhenKey.key, NullKey.key, SplitKey.key, ConvertKey.key, MapKey.key, TypeKey.key, NonEmptyKey.key, MaxLengthKey.key,
        TimeKey.key, DropNullsKey.key, ScalarMembersKey.key, DefaultKey.key, RequiredKey.key,
    ]

    static let byName: [String: RuleKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    public static var sourceNames: [String] { all.filter { $0.role == .source }.map(\.name) }
    public static var names: [String] { all.map(\.name) }

    /// Runs one example; nil when it gives the documented result.
    public static func failure(of example: RuleKeyExample) -> String? {
        var compiler = RuleCompiler(file: "example", roots: ["event", "settings"])
        guard let ruleJSON = try? JSONParser.parse(example.rule), let event = try? JSONParser.parse(example.event) else {
            return "the example is not JSON"
        }
        guard let rule = compiler.compile(ruleJSON, at: ""), compiler.problems.isEmpty else {
            return "does not compile: \(compiler.problems.map(\.description).joined(separator: "; "))"
        }
        var context = EvaluationContext(clock: FixedClock(MappingExample.defaultNow), [("event", event)])
        context.identifiers = SequentialIdentifiers()
        let result: String
        do {
            result = try rule.evaluate(in: context, field: "out").map(JSONWriter.string) ?? "absent"
        } catch {
            result = "error: \(error)"
        }
        return result == example.result ? nil : "expected \(example.result), got \(result)"
    }
}

extension RuleKeys {
    /// Compiles `json` as a rule reading `event` and evaluates it: the value (nil for absent), or
    /// the problems or the mapping error as text. Used by the rule-compiler fuzz target.
    public static func check(_ json: JSONValue, event: JSONValue) -> (value: JSONValue?, problem: String?) {
        var compiler = RuleCompiler(file: "fuzz", roots: ["event", "settings"])
        guard let rule = compiler.compile(json, at: ""), compiler.problems.isEmpty else {
            return (nil, compiler.problems.map(\.description).joined(separator: "; "))
        }
        let context = EvaluationContext(clock: FixedClock(MappingExample.defaultNow), [("event", event)])
        do {
            return (try rule.evaluate(in: context, field: "out"), nil)
        } catch {
            return (nil, error.description)
        }
    }
}
