import SwitchboardCore

/// A compiled mapping file: a decode mapping turns a vendor's request into a canonical event, an
/// encode mapping turns a canonical event into a vendor's request body.
public struct Mapping: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case decode, encode
    }

    public let file: String
    public let kind: Kind
    public let provider: String
    public let endpoint: String
    public let fields: [Rule.Field]
    public let examples: [MappingExample]
    /// Decode only: the path of an array in the request; the fields are evaluated once per
    /// element (readable as `item`, its position as `index`), one canonical event each.
    public var explode: Path? { explodeFrom.first }
    /// Decode only: where the array may be, first present wins (`["body.batch", "body"]` takes
    /// an object holding the array or the array itself).
    public let explodeFrom: [Path]
    /// Encode only: the mapping reads `events`, a list of canonical events, and builds one
    /// request for all of them.
    public let batch: Bool

    /// Decode only: the request headers the mapping reads (as `headers.NAME`, names in lower
    /// case), so that only those are copied into its input.
    public let headerNames: [String]

    /// Whether any rule of the mapping reads a path starting at `root`.
    public func reads(root: String) -> Bool {
        fields.contains { field in field.rule.paths.contains { $0.root == root } }
    }

    static func headerNames(_ fields: [Rule.Field]) -> [String] {
        var names: [String] = []
        for path in fields.flatMap(\.rule.paths) where path.root == "headers" {
            if case .key(let name)? = path.segments.first, !names.contains(name.lowercased()) { names.append(name.lowercased()) }
        }
        return names
    }

    /// The roots this mapping's paths may start with.
    static func roots(kind: Kind, explode: Bool, batch: Bool) -> [String] {
        switch kind {
        case .decode: ["body", "path", "query", "auth", "headers"] + (explode ? ["item", "index"] : [])
        case .encode: (batch ? ["events"] : ["event"]) + ["settings", "prior"]
        }
    }

    /// Every output object: one, or with `explode`, one per element of the exploded array.
    /// - Throws: ``MappingError`` for the first field that cannot be produced, naming the element.
    public func applyAll(_ context: EvaluationContext) throws(MappingError) -> [JSONObject] {
        guard !explodeFrom.isEmpty else { return [try apply(context)] }
        let explode = explodeFrom.first { $0.resolve(in: context) != nil } ?? explodeFrom[0]
        guard let value = explode.resolve(in: context) else {
            throw MappingError(field: explode.fieldName, message: "is required")
        }
        guard case .array(let items) = value else {
            throw MappingError(field: explode.fieldName, message: "must be an array, not \(value.typeName)")
        }
        guard !items.isEmpty else { throw MappingError(field: explode.fieldName, message: "must hold at least one event") }
        var inner = context
        var outputs: [JSONObject] = []
        outputs.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            inner.set("item", item)
            inner.set("index", .integer(Int64(i)))
            do {
                outputs.append(try apply(inner))
            } catch {
                throw MappingError(field: "\(explode.fieldName)[\(i)].\(error.field)", message: error.message)
            }
        }
        return outputs
    }

    /// Builds the output object.
    /// - Throws: ``MappingError`` for the first field that cannot be produced.
    public func apply(_ context: EvaluationContext) throws(MappingError) -> JSONObject {
        var output = JSONObject(reservingCapacity: fields.count)
        for member in fields {
            if let value = try member.rule.evaluate(in: context, field: member.key) {
                output.append(member.key, value)
            }
        }
        return output
    }
}

extension Mapping {
    static let keys = ["kind", "provider", "endpoint", "explode", "batch", "fields", "examples"]

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
        var explode: [Path] = []
        if let e = reader.object["explode"] {
            if kind != .decode { problems.append(reader.problem(at: "explode", "only a decode mapping can explode a request into events")) }
            var pathCompiler = RuleCompiler(file: file, roots: ["body"])
            if let list = e.arrayValue {
                explode = list.enumerated().compactMap { pathCompiler.path($1, at: "\(reader.at("explode"))/\($0)") }
                if list.isEmpty { pathCompiler.problem(at: reader.at("explode"), "must name at least one path") }
            } else {
                explode = pathCompiler.path(e, at: reader.at("explode")).map { [$0] } ?? []
            }
            problems += pathCompiler.problems
        }
        let batch = reader.bool("batch", problems: &problems) ?? false
        if batch && kind != .encode { problems.append(reader.problem(at: "batch", "only an encode mapping can batch events")) }
        let roots = roots(kind: kind, explode: !explode.isEmpty, batch: batch)
        var compiler = RuleCompiler(file: file, roots: roots)
        let fields = compiler.compileFields(fieldsJSON, at: "/fields")
        problems += compiler.problems
        let exampleRoots = roots.filter { $0 != "item" && $0 != "index" }
        let examples = r.object["examples"].map { MappingExample.compile($0, file: file, roots: exampleRoots, problems: &problems) } ?? []
        return Mapping(file: file, kind: kind, provider: provider, endpoint: endpoint, fields: fields, examples: examples,
                       explodeFrom: explode, batch: batch, headerNames: headerNames(fields))
    }
}
