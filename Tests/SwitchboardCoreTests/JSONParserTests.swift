import SwitchboardCore
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        #"{"a":12345678901234567,"b":9223372036854775807,"c":-9223372036854775808,"d":18446744073709551616}"#,
        #"{"pi":3.141592653589793,"m":19.99,"e":1.5e10,"E":2E-3,"z":-0.0,"zero":0}"#,
        #"{"items":[],"o":{},"n":null,"t":true,"f":false,"nested":[[[]],{"x":{}}]}"#,
        #"{"emoji":"🚀","pl":"zażółć","quote":"\"","bs":"\\","ctrl":"\u0001\u001f","nl":"a\nb\tc\rd"}"#,
        #"["a",1,null]"#,
        #""just a string""#,
    ])
    func compactJSONRoundTripsByteForByte(_ text: String) throws {
        #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
    }

    @Test func keepsKeyOrder() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"m":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["\u00e9\/\ud83d\ude80\b\f"]"#)
        #expect(value.arrayValue?.first?.stringValue == "é/🚀\u{8}\u{c}")
    }

    @Test func distinguishesIntegersFromOtherNumbers() throws {
        let value = try JSONParser.parse(#"[1, 1.0, 1e2, -7]"#)
        #expect(value.arrayValue?.map(\.typeName) == ["integer", "number", "number", "integer"])
        #expect(value.arrayValue?.last?.numberValue?.int64Value == -7)
    }

    @Test(arguments: [
        (#"{"name":"x","name":1}"#, "Duplicate key \"name\""),
        (#"{"a":1,}"#, "Expecting property name enclosed in double quotes"),
        (#"[1,]"#, "Expecting value"),
        (#"{"a" 1}"#, "Expecting ':' delimiter"),
        (#"{"a":1 "b":2}"#, "Expecting ',' delimiter"),
        (#"01"#, "Invalid number: leading zero"),
        (#"1."#, "Invalid number: digit expected after '.'"),
        (#"{"a":1} x"#, "Extra data after the JSON value"),
        (#""#, "Expecting value"),
        (#"   "#, "Expecting value"),
        (#"{"a":"x"#, "Unterminated string starting at"),
        (#"["\x"]"#, "Invalid \\escape"),
        (#"["\ud800"]"#, "Unpaired surrogate in \\u escape"),
        ("[\"a\u{1}\"]", "Invalid control character in string"),
        (#"// comment"#, "Expecting value"),
        (#"NaN"#, "Expecting value"),
        (#"tru"#, "Expecting value"),
    ])
    func rejectsInvalidJSONWithAReason(_ text: String, _ reason: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch let error as JSONParseError {
            #expect(error.reason == reason)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(ok)
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1\n  \"b\": 2\n}")
            Issue.record("parsed invalid JSON")
        } catch let error as JSONParseError {
            #expect(error.line == 3)
            #expect(error.column == 3)
            #expect(error.offset == 13)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

/// Objects below the top level stay checked text until read; these hold them to the eager parser.
@Suite struct JSONParserTextObjectTests {
    static let document = #"{"name":"x","data":{"plan":"pro","n":12345678901234567,"flags":{"beta":true},"tags":["a",{"k":null}]}}"#

    @Test func nestedObjectsReadLikeBuiltOnes() throws {
        let lazy = try JSONParser.parse(Self.document)
        let eager = try JSONParser.parseEagerly(Array(Self.document.utf8))
        #expect(lazy == eager)
        let data = try #require(lazy["data"]?.objectValue)
        #expect(data["plan"] == "pro")
        #expect(data["n"]?.numberValue?.literal == "12345678901234567")
        #expect(data["flags"]?["beta"] == true)
        #expect(data["missing"] == nil)
        #expect(data.keys == ["plan", "n", "flags", "tags"])
        #expect(data["tags"]?.arrayValue?.last?["k"] == .null)
    }

    @Test func compactTextIsCopiedAndOtherTextIsRewritten() throws {
        #expect(JSONWriter.string(try JSONParser.parse(Self.document)) == Self.document)
        let spaced = #"{"data": { "a" : [ 1 , "\u0062" ] , "c":{} }}"#
        #expect(JSONWriter.string(try JSONParser.parse(spaced)) == #"{"data":{"a":[1,"b"],"c":{}}}"#)
    }

    @Test func changingANestedObjectBuildsItFirst() throws {
        var data = try #require(try JSONParser.parse(Self.document)["data"]?.objectValue)
        data.set("plan", "team")
        data.remove("flags")
        data.append("extra", 1)
        #expect(JSONWriter.string(.object(data)) == #"{"plan":"team","n":12345678901234567,"tags":["a",{"k":null}],"extra":1}"#)
    }

    @Test(arguments: [
        #"{"o":{"a":1,"a":2}}"#,
        #"{"o":{"\u0061":1,"a":2}}"#,
        #"{"o":{"a":1,"\u0061":2}}"#,
        #"[{"ab":1,"ba":2,"ab":3}]"#,
    ])
    func findsDuplicateKeysInNestedObjects(_ text: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted a duplicate key")
        } catch let error as JSONParseError {
            #expect(error.reason.hasPrefix("Duplicate key"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(arguments: [
        #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, #"{"a":1 "b":2}"#, #"01"#, #"1."#, #"{"a":"x"#, #"["\x"]"#,
        #"["\ud800"]"#, "[\"a\u{1}\"]", #"tru"#, #"{"a":-}"#, #"{"a":1e}"#,
    ])
    func nestedErrorsMatchTheEagerParser(_ inner: String) {
        let text = #"{"outer":{"inner":["#
            + inner + "]}}"
        let bytes = Array(text.utf8)
        let lazy = Result { try JSONParser.parse(bytes) }
        let eager = Result { try JSONParser.parseEagerly(bytes) }
        guard case .failure(let a as JSONParseError) = lazy, case .failure(let b as JSONParseError) = eager else {
            Issue.record("expected both parsers to refuse \(text)")
            return
        }
        #expect(a.reason == b.reason)
        #expect(a.offset == b.offset)
    }
}
