import CZlib
import SwitchboardCore
import SwitchboardMapping

/// Turns a request body as sent — compressed, or a form with the JSON in one field — into the
/// JSON bytes the decode mapping reads.
enum BodyDecoding {
    /// The body after `Content-Encoding` (`gzip`, `deflate` or `identity`), at most `limit` bytes.
    static func decompress(_ body: [UInt8], encoding: String?, limit: Int) throws(IngressError) -> [UInt8] {
        guard let encoding = encoding?.trimmingSpaces.lowercased(), !encoding.isEmpty, encoding != "identity" else { return body }
        // zlib's window bits: 15 + 16 reads a gzip header; 15 + 32 detects zlib or gzip; -15 is raw deflate.
        let windows: [Int32]
        switch encoding {
        case "gzip", "x-gzip": windows = [31]
        // "deflate" means a zlib stream (RFC 9110), but some clients send raw deflate.
        case "deflate": windows = [47, -15]
        default: throw IngressError(.invalidJSON, "Unsupported Content-Encoding \"\(encoding)\"; send gzip, deflate or none.")
        }
        for (i, bits) in windows.enumerated() {
            switch inflate(body, windowBits: bits, limit: limit) {
            case .some(.success(let bytes)): return bytes
            case .some(.failure(let error)): throw error
            case .none where i == windows.count - 1:
                throw IngressError(.invalidJSON, "The body is not valid \(encoding) data.")
            case .none: continue
            }
        }
        return body
    }

    /// The inflated bytes, a too-large error, or nil when the data is not in this format.
    private static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int) -> Result<[UInt8], IngressError>? {
        var stream = z_stream()
        guard sb_inflate_init(&stream, windowBits) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var input = input
        return input.withUnsafeMutableBufferPointer { inBuffer -> Result<[UInt8], IngressError>? in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[..<produced])
                // Checked as it grows, so a small bomb cannot fill memory.
                if output.count > limit {
                    return .failure(IngressError(.tooLarge, "Request body larger than \(limit) bytes once decompressed."))
                }
                if status == Z_STREAM_END { return stream.avail_in == 0 ? .success(output) : nil }
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) { return nil }
            }
        }
    }

    /// The value of form field `field` in an `application/x-www-form-urlencoded` body.
    static func formField(_ field: String, in body: [UInt8]) throws(IngressError) -> [UInt8] {
        let fields = FormFields.parse(body)
        guard let value = fields.first(where: { $0.0 == field })?.1 else {
            throw IngressError(.invalidField, "\(field) is required", field: field, problem: "is required")
        }
        return Array(value.utf8)
    }
}

/// `name=value&…` pairs, percent-decoded with `+` as a space: a form body or a query string.
enum FormFields {
    static func parse(_ bytes: some Collection<UInt8>) -> [(String, String)] {
        bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// `+` is a space; a malformed escape leaves the text as it was sent.
    private static func decode(_ bytes: some Collection<UInt8>) -> String {
        let text = String(decoding: bytes.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return PercentDecoding.decode(Substring(text)) ?? text
    }
}

extension String {
    var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
