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
    /// difference is.
    public func matches(_ candidate: some Collection<UInt8>) -> Bool {
        let expected = Array(value.utf8)
        var difference = UInt8(expected.count == candidate.count ? 0 : 1)
        var i = 0
        for byte in candidate {
            difference |= byte ^ (i < expected.count ? expected[i] : 0)
            i += 1
        }
        return difference == 0
    }
}
