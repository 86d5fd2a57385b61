import Foundation

/// Where mappings get new identifiers (`"uuid": true`), so examples and tests can fix them.
public protocol IdentifierGenerator: Sendable {
    /// A new lowercase UUID text.
    func next() -> String
}

/// Random version-4 UUIDs.
public struct RandomIdentifiers: IdentifierGenerator {
    public init() {}
    public func next() -> String { UUID().uuidString.lowercased() }
}

/// Predictable UUID-shaped identifiers, `00000000-0000-4000-8000-000000000001` and up: for mapping
/// examples and tests.
public final class SequentialIdentifiers: IdentifierGenerator, @unchecked Sendable {
    private let lock = NSLock()
    private var counter: UInt64 = 0

    public init() {}

    public func next() -> String {
        let n = lock.withLock {
            counter += 1
            return counter
        }
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }
}
