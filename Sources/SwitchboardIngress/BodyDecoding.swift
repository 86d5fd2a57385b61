import SwitchboardCore
import SwitchboardMapping

/// Turns a request body as sent — compressed, or a form with the JSON in one field — into the
/// JSON bytes the decode mapping reads.
enum BodyDecoding {
    /// The body after `Content-Encoding` (`gzip`, `deflate` or `identity`), at most `limit` bytes.
    static func decompress(_ body: [UInt8], encoding: String?, limit: Int) throws(IngressError) -> [UInt8] {
        guard let encoding = encoding?.trimmingSpaces.lowercased(), !encoding.isEmpty, encoding != "identity" else { return body }
        let formats: [Inflate.Format]
        switch encoding {
        case "gzip", "x-gzip": formats = [.gzip]
        // "deflate" means a zlib stream (RFC 9110), but some clients send raw deflate.
        case "deflate": formats = [.zlib, .rawDeflate]
        default: throw IngressError(.invalidJSON, "Unsupported Content-Encoding \"\(encoding)\"; send gzip, deflate or none.")
        }
        for format in formats {
            switch Inflate.inflate(body, format: format, limit: limit) {
            case .inflated(let bytes): return bytes
            case .tooLarge: throw IngressError(.tooLarge, "Request body larger than \(limit) bytes once decompressed.")
            case .invalid: continue
            }
        }
        throw IngressError(.invalidJSON, "The body is not valid \(encoding) data.")
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
    /// A request's query string as an object of strings (empty without one).
    static func query(of request: InboundRequest) -> JSONValue {
        .strings(request.query.map { parse($0.utf8) } ?? [])
    }

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

extension JSONValue {
    /// Name–value pairs as an object of strings, as mappings read `path`, `query` and `headers`.
    static func strings(_ pairs: [(String, String)]) -> JSONValue {
        .object(JSONObject(pairs.map { (key: $0.0, value: .string($0.1)) }))
    }
}

extension String {
    var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
