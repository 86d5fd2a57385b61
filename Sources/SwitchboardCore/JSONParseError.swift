/// Why a body is not valid JSON, and where: the byte offset plus line and column (both from 1).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public let offset: Int
    public let line: Int
    public let column: Int

    public var description: String {
        "\(reason): line \(line) column \(column) (char \(offset))"
    }
}
