/// Strings: checked in one pass over their bytes, built only when needed.
extension JSONParser {
    /// Where a checked string's content is in the document, and whether it holds escapes.
    struct StringText {
        let content: Range<Int>
        let escaped: Bool
    }

    mutating func parseString() throws -> String {
        // Two statements: `makeString(try checkString())` would copy the parser to call
        // `makeString` before `checkString` changes it.
        let text = try checkString()
        return makeString(text)
    }

    /// Checks the string whose opening quote is at `index` (escapes, control characters, UTF-8)
    /// and moves past its closing quote.
    mutating func checkString() throws -> StringText {
        index += 1
        let start = index
        var ascii = true
        var escaped = false
        while true {
            index = JSONByteScan.firstSpecial(in: bytes, from: index, stopAtNonASCII: ascii)
            guard index < bytes.count else { throw error("Unterminated string starting at", at: start - 1) }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let content = start..<index
                // Escapes are ASCII and decode to whole scalars, so the text is valid UTF-8
                // exactly when the decoded string is.
                if !ascii, String(validating: UnsafeBufferPointer(rebasing: bytes[content]), as: UTF8.self) == nil {
                    index = start
                    throw error("Invalid UTF-8 in string")
                }
                index += 1
                if escaped { formattingMarks += 1 }
                return StringText(content: content, escaped: escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                _ = try parseEscape()
            case 0..<0x20:
                throw error("Invalid control character in string")
            default:
                ascii = false
                index += 1
            }
        }
    }

    /// The string a checked text stands for.
    func makeString(_ text: StringText) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[text.content])
        guard text.escaped else { return String(decoding: raw, as: UTF8.self) }
        var decoder = JSONParser(bytes: bytes, source: nil, maxDepth: maxDepth)
        decoder.index = text.content.lowerBound
        var utf8: [UInt8] = []
        utf8.reserveCapacity(text.content.count)
        while decoder.index < text.content.upperBound {
            let byte = bytes[decoder.index]
            if byte == UInt8(ascii: "\\") {
                // Checked already, so this cannot fail.
                guard let scalar = try? decoder.parseEscape() else { break }
                utf8.append(contentsOf: Unicode.UTF8.encode(scalar)!)
            } else {
                utf8.append(byte)
                decoder.index += 1
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// True when two checked texts stand for the same string, compared by UTF-8 bytes.
    func sameText(_ a: StringText, _ b: StringText) -> Bool {
        if !a.escaped && !b.escaped {
            guard a.content.count == b.content.count else { return false }
            var i = 0
            while i < a.content.count {
                if bytes[a.content.lowerBound + i] != bytes[b.content.lowerBound + i] { return false }
                i += 1
            }
            return true
        }
        return makeString(a).utf8.elementsEqual(makeString(b).utf8)
    }

    /// True when a checked text stands for `string`, by the same rule as `String`'s `==` (which
    /// a built object's lookup uses): equal bytes, or, with non-ASCII text on either side,
    /// canonically equivalent strings.
    func text(_ text: StringText, equals string: String) -> Bool {
        guard !text.escaped else { return makeString(text) == string }
        let raw = UnsafeBufferPointer(rebasing: bytes[text.content])
        let (equal, ascii) = string.withUTF8Bytes { wanted in
            (wanted.count == raw.count && wanted.elementsEqual(raw), !wanted.contains { $0 >= 0x80 })
        }
        if equal { return true }
        return !(ascii && !raw.contains { $0 >= 0x80 }) && makeString(text) == string
    }

    /// Reads the escape whose backslash is at `index` and moves past it.
    private mutating func parseEscape() throws -> Unicode.Scalar {
        index += 1
        guard index < bytes.count else { throw error("Unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(byte)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("Unpaired surrogate in \\u escape") }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("Unpaired surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("Unpaired surrogate in \\u escape")
            }
            return Unicode.Scalar(scalar)!
        default:
            index -= 1
            throw error("Invalid \\escape")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("Invalid \\uXXXX escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("Invalid \\uXXXX escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
