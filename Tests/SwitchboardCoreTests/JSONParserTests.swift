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
