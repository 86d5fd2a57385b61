/// A secret value (API key, token) that never prints itself.
///
/// `description` and string interpolation show `<redacted>`, so a secret that slips into a log
/// line or an error message gives nothing away.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself, for the one place that must send or compare it.
    public func reveal() -> String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// Compares with `candidate` in time that depends only on the lengths, not on where the first
    /// difference is. Takes bytes in one buffer and reads the secret's own: a generic collection,
    /// unspecialised across modules, allocated once per byte read.
    public func matches(_ candidate: [UInt8]) -> Bool {
        var value = value
        return value.withUTF8 { expected in
            candidate.withUnsafeBufferPointer { given in
                var difference = UInt8(expected.count == given.count ? 0 : 1)
                for i in 0..<given.count { difference |= given[i] ^ (i < expected.count ? expected[i] : 0) }
                return difference == 0
            }
        }
    }
}
