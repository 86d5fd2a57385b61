/// Writes ``JSONValue``s as compact JSON bytes: numbers exactly as they were read, keys in order,
/// non-ASCII text as UTF-8, and only the characters JSON requires escaped.
///
/// The writer fills a raw buffer that it grows ahead of each value, so appending a byte is a
/// store, without per-byte capacity or uniqueness checks.
public enum JSONWriter {
    /// The compact JSON bytes of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var sink = ByteSink(capacity: 512)
        defer { sink.deallocate() }
        write(value, into: &sink)
        return sink.array()
    }

    /// The compact JSON text of `value`.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into sink: inout ByteSink) {
        switch value {
        case .null: sink.append("null")
        case .bool(let b): sink.append(b ? "true" : "false")
        case .number(let n): n.literal.withUTF8Bytes { sink.append($0) }
        case .string(let s): writeString(s, into: &sink)
        case .array(let items):
            sink.append(byte: UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { sink.append(byte: UInt8(ascii: ",")) }
                first = false
                write(item, into: &sink)
            }
            sink.append(byte: UInt8(ascii: "]"))
        case .object(let object):
            if object.withCompactText({ sink.append($0) }) != nil { return }
            sink.append(byte: UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { sink.append(byte: UInt8(ascii: ",")) }
                first = false
                writeString(member.key, into: &sink)
                sink.append(byte: UInt8(ascii: ":"))
                write(member.value, into: &sink)
            }
            sink.append(byte: UInt8(ascii: "}"))
        }
    }

    /// Writes a JSON string: runs of bytes that need no escape are copied in one go.
    private static func writeString(_ string: String, into sink: inout ByteSink) {
        string.withUTF8Bytes { bytes in
            // Room for the worst case, every byte as \u00XX, so the loop below never grows.
            sink.reserve(bytes.count * 6 + 2)
            sink.append(byte: UInt8(ascii: "\""))
            var runStart = 0
            while true {
                let i = JSONByteScan.firstSpecial(in: bytes, from: runStart, stopAtNonASCII: false)
                sink.append(UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                guard i < bytes.count else { break }
                appendEscape(bytes[i], into: &sink)
                runStart = i + 1
            }
            sink.append(byte: UInt8(ascii: "\""))
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Appends the escape for a quote, a backslash or a control character.
    private static func appendEscape(_ byte: UInt8, into sink: inout ByteSink) {
        sink.append(byte: UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): sink.append(byte: UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): sink.append(byte: UInt8(ascii: "\\"))
        case 0x0A: sink.append(byte: UInt8(ascii: "n"))
        case 0x0D: sink.append(byte: UInt8(ascii: "r"))
        case 0x09: sink.append(byte: UInt8(ascii: "t"))
        default:
            sink.append("u00")
            hexDigits.withUTF8Buffer { hex in
                sink.append(byte: hex[Int(byte >> 4)])
                sink.append(byte: hex[Int(byte & 0xF)])
            }
        }
    }
}

extension JSONWriter {
    /// Indented JSON text (two spaces), for files people read and edit; ends with a newline.
    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        writePretty(value, indent: "", into: &out)
        return out + "\n"
    }

    private static func writePretty(_ value: JSONValue, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                writePretty(item, indent: inner, into: &out)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let object) where !object.isEmpty:
            out += "{\n"
            for (i, member) in object.members.enumerated() {
                out += inner + string(.string(member.key)) + ": "
                writePretty(member.value, indent: inner, into: &out)
                out += i < object.count - 1 ? ",\n" : "\n"
            }
            out += indent + "}"
        default:
            out += string(value)
        }
    }
}
