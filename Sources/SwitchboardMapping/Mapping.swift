import SwitchboardCore

/// A compiled mapping file: a decode mapping turns a vendor's request into a canonical event, an
/// encode mapping turns a canonical event into a vendor's request body.
public struct Mapping: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case decode, encode

        /// The roots a path in this kind of mapping may start with.
        public var roots: [String] {
            switch self {
            case .decode: ["body", "path", "query"]
            case .encode: ["event", "settings"]
            }
        }
    }

    public let file: String
    public let kind: Kind
    public let provider: String
    public let endpoint: String
    public let fields: [(key: String, rule: Rule)]
    public let examples: [MappingExample]

    /// Builds the output object.
    /// - Throws: ``MappingError`` for the first field that cannot be produced.
    public func apply(_ context: EvaluationContext) throws(MappingError) -> JSONObject {
        var output = JSONObject()
        for member in fields {
            if let value = try member.rule.evaluate(in: context, field: member.key) {
                output.append(member.key, value)
            }
        }
        return output
    }
}

extension Mapping {
    static let keys = ["kind", "provider", "endpoint", "fields", "examples"]

    /// Compiles a mapping file's JSON, adding every problem found to `problems`.
    static func compile(_ json: JSONValue, file: String, problems: inout [ConfigProblem]) -> Mapping? {
        guard let reader = JSONReader(json, file: file, pointer: "", allowed: keys, problems: &problems) else { return nil }
        let r = reader
        let kind = reader.choice("kind", Kind.self, problems: &problems)
        let provider = reader.string("provider", required: true, problems: &problems)
        let endpoint = reader.string("endpoint", required: true, problems: &problems)
        if reader.object["kind"] == nil {
            problems.append(ConfigProblem(file: file, pointer: "", message: "missing key 'kind' (decode or encode)"))
        }
        guard let kind, let provider, let endpoint else { return nil }
        guard let fieldsJSON = reader.object["fields"] else {
            problems.append(ConfigProblem(file: file, pointer: "", message: "missing key 'fields'"))
            return nil
        }
        var compiler = RuleCompiler(file: file, roots: kind.roots)
        let fields = compiler.compileFields(fieldsJSON, at: "/fields")
        problems += compiler.problems
        let examples = r.object["examples"].map { MappingExample.compile($0, file: file, roots: kind.roots, problems: &problems) } ?? []
        return Mapping(file: file, kind: kind, provider: provider, endpoint: endpoint, fields: fields, examples: examples)
    }
}
