import Foundation

/// A value that is read often and replaced whole now and then (e.g. the routes, on reload).
/// Readers always see either the old or the new value, never a mix.
public final class Snapshot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func load() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    public func store(_ newValue: Value) {
        lock.lock()
        value = newValue
        lock.unlock()
    }
}
