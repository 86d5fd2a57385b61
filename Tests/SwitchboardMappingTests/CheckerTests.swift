import SwitchboardMapping
import Testing

@Suite struct CheckerTests {
    let provider = """
        {"id": "acme", "name": "Acme",
         "send": {"endpoints": {"track": {"method": "POST", "path": "/e", "encode": "acme/encode.json",
           "request": {"properties": {"userId": "string", "event": "string", "at": "integer", "props": "object"},
                       "required": ["userId", "event"]}}}}}
        """

    func problems(encode fields: String) -> [String] {
        do {
            _ = try load(["providers/acme.json": provider,
                          "acme/encode.json": #"{"kind": "encode", "provider": "acme", "endpoint": "track", "fields": \#(fields)}"#])
            return []
        } catch {
            return plain(error)
        }
    }

    @Test func aMappingThatProducesEveryRequiredFieldOnEveryPathPasses() {
        #expect(problems(encode: """
            {"userId": {"from": ["event.userId", "event.anonymousId"], "required": true},
             "event": {"from": "event.event", "default": {"const": "unnamed"}},
             "at": {"from": "event.timestamp", "time": {"from": "rfc3339", "to": "unix_milliseconds"}},
             "props": {"from": "event.properties", "type": "object"}}
            """) == [])
    }

    @Test func reportsRequiredFieldsThatCanBeMissing() {
        let found = problems(encode: """
            {"userId": {"from": "event.userId"}, "event": {"const": "x", "when": {"path": "event.type", "equals": "track"}}}
            """)
        #expect(found.contains("acme/encode.json: /fields/userId: Acme requires 'userId', but this rule can give nothing; add \"required\": true or a default that always gives a value"))
        #expect(found.contains("acme/encode.json: /fields/event: Acme requires 'event', but this rule can give nothing; add \"required\": true or a default that always gives a value"))
    }

    @Test func reportsMissingUnknownAndMistypedFields() {
        let found = problems(encode: """
            {"userId": {"from": "event.usrId", "required": true},
             "evnt": {"const": "x"},
             "at": {"from": "event.timestamp", "time": {"from": "rfc3339", "to": "rfc3339"}}}
            """)
        #expect(found.contains("acme/encode.json: /fields: Acme requires 'event', which this mapping does not produce"))
        #expect(found.contains("acme/encode.json: /fields/evnt: Acme's request has no field 'evnt' (did you mean 'event'?)"))
        #expect(found.contains("acme/encode.json: /fields/at: Acme expects 'at' to be an integer, but this rule gives string"))
        #expect(found.contains("acme/encode.json: /fields/userId: 'event.usrId' reads 'usrId', which is not a canonical event field (did you mean 'userId'?)"))
    }

    @Test func decodeMappingsMustProduceCanonicalFields() {
        do {
            _ = try load([
                "providers/in.json": #"{"id": "in", "receive": {"endpoints": {"t": {"method": "POST", "path": "/t", "auth": {"header": "X-Key"}, "decode": "d.json", "answer": {"body": {"const": {}}}}}, "errors": {"default": {"body": {"from": "error.message"}}}}}"#,
                "d.json": #"{"kind": "decode", "provider": "in", "endpoint": "t", "fields": {"userID": {"from": "body.u"}, "properties": {"const": "x"}}}"#,
            ])
            Issue.record("loaded")
        } catch {
            let found = plain(error)
            #expect(found.contains { $0.hasPrefix("d.json: /fields/userID: 'userID' is not a canonical event field (did you mean 'userId'?)") })
            #expect(found.contains("d.json: /fields/properties: the canonical 'properties' is an object, but this rule gives a string"))
        }
    }
}
