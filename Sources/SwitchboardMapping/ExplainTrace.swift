/// Records how each output value was made — which path or fallback gave it, what converted it,
/// whether a default was used — for `switchboard explain`.
public final class ExplainTrace: @unchecked Sendable {
    public struct Note: Sendable, Equatable {
        public let field: String
        public let text: String
    }

    public private(set) var notes: [Note] = []

    public init() {}

    func add(_ field: String, _ text: String) {
        notes.append(Note(field: field, text: text))
    }

    /// The notes of one output field and the fields inside it.
    public func notes(for field: String) -> [Note] {
        notes.filter { $0.field == field || $0.field.hasPrefix(field + ".") || $0.field.hasPrefix(field + "[") }
    }
}
