/// A journal operation that failed; the description names the operation, never the data.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "journal \(operation) failed: \(reason)" }
}
