/// A request path with named segments, e.g. `/api/public/users-by-id/{user_id}/events/`.
/// A trailing slash is significant, as it is for the vendors that use one.
public struct PathTemplate: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    public let description: String

    public var parameterNames: [String] {
        segments.compactMap { if case .parameter(let n) = $0 { n } else { nil } }
    }

    public init?(_ text: String) {
        guard text.hasPrefix("/") else { return nil }
        var segments: [Segment] = []
        for part in text.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if part.hasPrefix("{"), part.hasSuffix("}"), part.count > 2 {
                segments.append(.parameter(String(part.dropFirst().dropLast())))
            } else if part.contains("{") || part.contains("}") {
                return nil
            } else {
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
        self.description = text
    }

    /// The percent-decoded parameters when `path` (without its query) matches, else nil. A
    /// parameter must not be empty.
    public func match(_ path: Substring) -> [(String, String)]? {
        // Walked byte by byte: this runs for every route on every request.
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        var parameters: [(String, String)] = []
        var start = bytes.index(after: bytes.startIndex)
        var more = true
        for segment in segments {
            guard more else { return nil }
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? bytes.endIndex
            let part = path[start..<end]
            switch segment {
            case .literal(let literal):
                guard part.utf8.elementsEqual(literal.utf8) else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let decoded = PercentDecoding.decode(part) else { return nil }
                parameters.append((name, decoded))
            }
            more = end != bytes.endIndex
            if more { start = bytes.index(after: end) }
        }
        return more ? nil : parameters
    }
}

/// Decodes `%XX` escapes in a URL path segment; nil for a malformed escape or invalid UTF-8.
public enum PercentDecoding {
    public static func decode(_ text: Substring) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = utf8.next().flatMap(hex), let low = utf8.next().flatMap(hex) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Encodes a value for use as one URL path segment (RFC 3986 unreserved characters stay).
    public static func encodeSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
