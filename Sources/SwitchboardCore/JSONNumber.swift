/// A JSON number kept as the exact text it was written with, so that 64-bit integers and long
/// decimals are never rounded on their way through.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written, already validated against the JSON grammar.
    public let literal: String
    /// True when the literal has neither a fraction nor an exponent.
    public let isInteger: Bool

    /// Wraps a literal the parser has validated.
    init(validatedLiteral: String, isInteger: Bool) {
        self.literal = validatedLiteral
        self.isInteger = isInteger
    }

    public init(integer: Int64) {
        self.literal = String(integer)
        self.isInteger = true
    }

    /// The value as a 64-bit integer, or nil when it has a fraction, an exponent or does not fit.
    public var int64Value: Int64? {
        isInteger ? Int64(literal) : nil
    }

    /// The value as a double (may round).
    public var doubleValue: Double {
        Double(literal) ?? .nan
    }

    public var description: String { literal }
}
