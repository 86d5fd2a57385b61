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

/// The journal has reached its size quota: new events are refused until pruning frees space;
/// nothing already in it is touched.
public struct JournalFull: Error, Sendable, CustomStringConvertible {
    public let usedBytes: Int64
    public let maxBytes: Int64

    public var description: String { "journal full: \(usedBytes) of \(maxBytes) bytes used" }
}
