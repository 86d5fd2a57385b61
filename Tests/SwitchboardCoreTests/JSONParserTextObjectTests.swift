import SwitchboardCore
import Testing

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

    @Test func keysMatchAsInBuiltObjectsAlsoWhenNotASCII() throws {
        // "\u{212A}" (KELVIN SIGN) is canonically equivalent to "K", and "é" to "e\u{301}".
        let text = #"{"o":{"\#u{212A}":1,"é":2,"plain":3}}"#
        let lazy = try #require(try JSONParser.parse(text)["o"]?.objectValue)
        let built = try #require(try JSONParser.parseEagerly(Array(text.utf8))["o"]?.objectValue)
        #expect(built["K"] == 1 && built["e\u{301}"] == 2, "String's == is canonical equivalence")
        for key in ["K", "\u{212A}", "e\u{301}", "é", "plain", "plai"] {
            #expect(lazy[key] == built[key], "key \(key)")
        }
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
