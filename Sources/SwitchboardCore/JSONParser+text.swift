/// Reading objects that the parser kept as checked text (see ``JSONObject``).
///
/// The text was checked when the document was parsed, so reading it again cannot fail; a failure
/// would be a bug in the parser, and stops the process rather than return a wrong value.
extension JSONParser {
    /// The members of an object kept as text; objects inside them stay text.
    static func members(of text: JSONObject.Text) -> [JSONObject.Member] {
        reading(text) { parser in
            var members: [JSONObject.Member] = []
            try parser.forEachMember { key, parser in
                let name = parser.makeString(key)
                let value = try parser.parseValue()
                members.append(JSONObject.Member(key: name, value: value))
                return true
            }
            return members
        }
    }

    /// The value of `key` in an object kept as text, or nil when it has no such key.
    static func value(forKey key: String, in text: JSONObject.Text) -> JSONValue? {
        reading(text) { parser in
            var found: JSONValue?
            try parser.forEachMember { name, parser in
                guard parser.text(name, equals: key) else {
                    try parser.checkValue()
                    return true
                }
                found = try parser.parseValue()
                return false
            }
            return found
        }
    }

    /// True when an object kept as text has no members.
    static func isEmptyObject(_ text: JSONObject.Text) -> Bool {
        reading(text) { parser in
            parser.index += 1
            parser.skipWhitespace()
            return parser.peek() == UInt8(ascii: "}")
        }
    }

    /// Runs `body` with a parser at the object's opening brace, building values one level down.
    private static func reading<R>(_ text: JSONObject.Text, _ body: (inout JSONParser) throws -> R) -> R {
        text.source.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, source: text.source, maxDepth: .max)
            parser.index = text.range.lowerBound
            parser.depth = 1
            do {
                return try body(&parser)
            } catch {
                preconditionFailure("an object checked while parsing no longer parses: \(error)")
            }
        }
    }

    /// Calls `body` with each key, the parser at the start of its value; `body` moves past the
    /// value and returns false to stop early.
    private mutating func forEachMember(_ body: (StringText, inout JSONParser) throws -> Bool) throws {
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { return }
        while true {
            skipWhitespace()
            let key = try checkString()
            skipWhitespace()
            index += 1  // ':'
            skipWhitespace()
            guard try body(key, &self) else { return }
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { return }
            index += 1  // ','
        }
    }
}
