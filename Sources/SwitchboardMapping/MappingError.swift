/// Why a mapping could not produce its output from an input: the field (named as the sender
/// names it) and a message in plain words. Never includes the field's value.
public struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) \(message)" }
}
