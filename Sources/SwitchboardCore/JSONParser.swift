/// A strict RFC 8259 JSON parser over bytes.
///
/// Strict means: one value with only whitespace around it, no comments, no trailing commas, no
/// leading zeros, valid escapes and UTF-8, and no key twice in one object (a duplicate key is how
/// a broken client silently loses a field, so it is an error here). Nesting and size are bounded.
///
/// The whole document is checked at once, but objects below the top level are not built until
/// something reads them: they keep their text (see ``JSONObject``), so a nested object that is
/// only passed along costs one check on the way in and one copy on the way out.
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"name": "signup"}"#.utf8))
/// ```
public struct JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let defaultMaxDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    /// The document, when nested objects may stay text that shares it; nil builds every value.
    let source: [UInt8]?
    var index = 0
    var depth = 0
    let maxDepth: Int
    /// When recording: the byte offset where each value starts, by JSON pointer.
    var positions: [String: Int]?
    var pointer: [String] = []
    /// The keys of the objects being read, the innermost object's last, to find a duplicate key
    /// without making strings.
    var openKeys: [StringText] = []
    /// Counts what makes the text differ from ``JSONWriter``'s compact form: whitespace between
    /// tokens and escapes in strings.
    var formattingMarks = 0

    init(bytes: UnsafeBufferPointer<UInt8>, source: [UInt8]?, maxDepth: Int) {
        self.bytes = bytes
        self.source = source
        self.maxDepth = maxDepth
        openKeys.reserveCapacity(16)
    }

    /// Parses one JSON document.
    /// - Throws: ``JSONParseError`` naming the first problem and where it is.
    public static func parse(_ input: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        try input.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, source: input, maxDepth: maxDepth)
            return try parser.parseDocument()
        }
    }

    /// Parses one JSON document from any collection of bytes.
    public static func parse(_ input: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        try parse(Array(input), maxDepth: maxDepth)
    }

    /// Parses one JSON document from a string.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses one JSON document and builds every value at once, keeping no text: the reference
    /// that tests hold ``parse(_:maxDepth:)-swift.type.method`` to.
    public static func parseEagerly(_ input: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> JSONValue {
        try input.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, source: nil, maxDepth: maxDepth)
            return try parser.parseDocument()
        }
    }

    /// Parses one JSON document and also returns where each value starts (line and column, both
    /// from 1) by JSON pointer, for error messages about files people edit. Slower than `parse`.
    public static func parseWithPositions(_ input: [UInt8]) throws -> (JSONValue, [String: (line: Int, column: Int)]) {
        try input.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, source: nil, maxDepth: defaultMaxDepth)
            parser.positions = [:]
            let value = try parser.parseDocument()
            var lineStarts = [0]
            for (i, byte) in buffer.enumerated() where byte == 0x0A { lineStarts.append(i + 1) }
            var located: [String: (line: Int, column: Int)] = [:]
            for (pointer, offset) in parser.positions ?? [:] {
                var low = 0
                var high = lineStarts.count - 1
                while low < high {
                    let mid = (low + high + 1) / 2
                    if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
                }
                located[pointer] = (line: low + 1, column: offset - lineStarts[low] + 1)
            }
            return (value, located)
        }
    }

    private mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("Expecting value") }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw error("Extra data after the JSON value") }
        return value
    }

    // MARK: - Building values

    mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw error("Expecting value") }
        if positions != nil {
            positions![pointer.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()] = index
        }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            if let source, depth > 0 {
                let text = try checkObjectText(in: source)
                return .object(JSONObject(text: text))
            }
            return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            let isInteger = try checkNumber()
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            return .number(JSONNumber(validatedLiteral: literal, isInteger: isInteger))
        default: throw error("Expecting value")
        }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        index += 1
        let keysStart = openKeys.count
        var keyBits: UInt64 = 0
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject(members))
        }
        members.reserveCapacity(8)
        while true {
            let keyText = try readKey(objectKeysFrom: keysStart, keyBits: &keyBits)
            let key = makeString(keyText)
            if positions != nil { pointer.append(key) }
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, value: value))
            if positions != nil { pointer.removeLast() }
            if try endOfMembers(closing: UInt8(ascii: "}")) {
                closeKeys(from: keysStart)
                return .object(JSONObject(members))
            }
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        index += 1
        var array: [JSONValue] = []
        array.reserveCapacity(4)
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            if positions != nil { pointer.append(String(array.count)) }
            array.append(try parseValue())
            if positions != nil { pointer.removeLast() }
            if try endOfMembers(closing: UInt8(ascii: "]")) { return .array(array) }
        }
    }

    // MARK: - Checking values without building them

    /// Checks the object at `index` as strictly as building it would, and returns its text.
    private mutating func checkObjectText(in source: [UInt8]) throws -> JSONObject.Text {
        let start = index
        let marks = formattingMarks
        try checkValue()
        return JSONObject.Text(source: source, range: start..<index, isCompact: formattingMarks == marks)
    }

    /// Moves past the value at `index`, with every check that building it would make.
    mutating func checkValue() throws {
        guard index < bytes.count else { throw error("Expecting value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try checkObject()
        case UInt8(ascii: "["): try checkArray()
        case UInt8(ascii: "\""): _ = try checkString()
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try checkNumber()
        default: throw error("Expecting value")
        }
    }

    private mutating func checkObject() throws {
        try enter()
        index += 1
        let keysStart = openKeys.count
        var keyBits: UInt64 = 0
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        while true {
            _ = try readKey(objectKeysFrom: keysStart, keyBits: &keyBits)
            try checkValue()
            if try endOfMembers(closing: UInt8(ascii: "}")) {
                closeKeys(from: keysStart)
                return
            }
        }
    }

    private mutating func checkArray() throws {
        try enter()
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try checkValue()
            if try endOfMembers(closing: UInt8(ascii: "]")) { return }
        }
    }

    // MARK: - Structure

    /// Reads `"key":` and checks that the key is new among the keys of its object, which start at
    /// `keysStart` in `openKeys`; `keyBits` is the object's filter of the keys seen so far.
    mutating func readKey(objectKeysFrom keysStart: Int, keyBits: inout UInt64) throws -> StringText {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("Expecting property name enclosed in double quotes") }
        let keyStart = index
        let key = try checkString()
        // One bit per key, from its length and end bytes: only a key whose bit is already set
        // (or an escaped key) is compared with the earlier ones.
        let last = bytes[max(key.content.upperBound - 1, key.content.lowerBound - 1)]
        let bit = UInt64(1) << ((UInt64(key.content.count) &* 7 &+ UInt64(last)) & 63)
        if key.escaped || keyBits & bit != 0 {
            var earlier = keysStart
            while earlier < openKeys.count {
                if sameText(openKeys[earlier], key) {
                    index = keyStart
                    throw error("Duplicate key \"\(makeString(key))\"")
                }
                earlier += 1
            }
        }
        // After an escaped key every later key is compared: their raw bytes differ.
        keyBits |= key.escaped ? ~0 : bit
        openKeys.append(key)
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw error("Expecting ':' delimiter") }
        index += 1
        skipWhitespace()
        return key
    }

    /// Forgets the keys of the object just read. (After an error the parse is over, so an error
    /// leaves them.)
    @inline(__always) private mutating func closeKeys(from keysStart: Int) {
        openKeys.removeLast(openKeys.count - keysStart)
    }

    /// After a member or element: true at the closing bracket (consumed), false after a comma.
    private mutating func endOfMembers(closing: UInt8) throws -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","):
            index += 1
            return false
        case closing:
            index += 1
            depth -= 1
            return true
        default:
            throw error("Expecting ',' delimiter")
        }
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= maxDepth else { throw error("Nesting deeper than \(maxDepth) levels") }
    }

    // MARK: - Numbers and words

    /// Moves past the number at `index`; true when it has neither a fraction nor an exponent.
    private mutating func checkNumber() throws -> Bool {
        var isInteger = true
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw error("Invalid number") }
        index += 1
        if first == UInt8(ascii: "0"), let next = peek(), isDigit(next) {
            throw error("Invalid number: leading zero")
        }
        skipDigits()
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let digit = peek(), isDigit(digit) else { throw error("Invalid number: digit expected after '.'") }
            skipDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), isDigit(digit) else { throw error("Invalid number: digit expected in exponent") }
            skipDigits()
        }
        return isInteger
    }

    private mutating func expectWord(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("Expecting value") }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw error("Expecting value") }
        index += count
    }

    @inline(__always) func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    @inline(__always) mutating func skipWhitespace() {
        if index < bytes.count, bytes[index] > 0x20 { return }
        skipWhitespaceRun()
    }

    private mutating func skipWhitespaceRun() {
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default:
                if index != start { formattingMarks += 1 }
                return
            }
        }
        if index != start { formattingMarks += 1 }
    }

    // MARK: - Errors

    func error(_ reason: String, at position: Int? = nil) -> JSONParseError {
        let offset = min(position ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(reason: reason, offset: offset, line: line, column: offset - lineStart + 1)
    }
}
