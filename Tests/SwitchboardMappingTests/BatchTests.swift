import SwitchboardCore
import SwitchboardMapping
import Testing

@Suite struct BatchTests {
    let provider = """
        {"id": "seg", "receive": {"endpoints": {"batch": {"method": "POST", "path": "/v1/batch", "auth": {"header": "X-Key"},
           "decode": "seg/decode.json", "answer": {"body": {"from": "answer.ids"}}}},
           "errors": {"default": {"body": {"from": "error.message"}}}},
         "send": {"endpoints": {"batch": {"method": "POST", "path": "/import", "encode": "seg/encode.json"}}}}
        """
    let decode = """
        {"kind": "decode", "provider": "seg", "endpoint": "batch", "explode": "body.batch", "fields": {
          "type": {"const": "track"},
          "userId": {"from": ["item.userId", "body.defaultUser"], "required": true},
          "event": {"from": "item.event", "type": "string", "required": true},
          "properties": {"merge": [{"fields": {"position": {"from": "index"}}}, {"from": "item.properties", "default": {"const": {}}}]}
        }}
        """
    let encode = """
        {"kind": "encode", "provider": "seg", "endpoint": "batch", "batch": true, "fields": {
          "events": {"each": {"of": "events", "rule": {"fields": {"user_id": {"from": "item.userId"}, "event_type": {"from": "item.event"}}}}}
        }}
        """

    func mappings() throws -> (Mapping, Mapping) {
        let set = try load(["providers/seg.json": provider, "seg/decode.json": decode, "seg/encode.json": encode])
        let seg = try #require(set.provider("seg"))
        return (try #require(seg.receive[0].decode), try #require(seg.send!.endpoints[0].encode))
    }

    @Test func oneRequestExplodesIntoOneEventPerElement() throws {
        let (decode, _) = try mappings()
        let body = try JSONParser.parse(#"{"defaultUser": "d", "batch": [{"userId": "u1", "event": "a"}, {"event": "b", "properties": {"x": 1}}]}"#)
        let events = try decode.applyAll(EvaluationContext([("body", body)]))
        #expect(events.map { JSONWriter.string(.object($0)) } == [
            #"{"type":"track","userId":"u1","event":"a","properties":{"position":0}}"#,
            #"{"type":"track","userId":"d","event":"b","properties":{"position":1,"x":1}}"#,
        ])
    }

    @Test func anErrorNamesTheElement() throws {
        let (decode, _) = try mappings()
        for (body, expected) in [
            (#"{"batch": [{"userId": "u", "event": "a"}, {"userId": "u", "event": 5}]}"#, "batch[1].event must be a string, not integer"),
            (#"{"batch": []}"#, "batch must hold at least one event"),
            (#"{"batch": {"event": "a"}}"#, "batch must be an array, not object"),
            (#"{}"#, "batch is required"),
        ] {
            #expect(throws: MappingError.self) { try decode.applyAll(EvaluationContext([("body", try JSONParser.parse(body))])) }
            do {
                _ = try decode.applyAll(EvaluationContext([("body", try JSONParser.parse(body))]))
            } catch {
                #expect("\(error)" == expected)
            }
        }
    }

    @Test func manyEventsBatchIntoOneRequest() throws {
        let (_, encode) = try mappings()
        let events: JSONValue = [["userId": "u1", "event": "a"], ["userId": "u2", "event": "b"]]
        let body = try encode.apply(EvaluationContext([("events", events)]))
        #expect(JSONWriter.string(.object(body)) == #"{"events":[{"user_id":"u1","event_type":"a"},{"user_id":"u2","event_type":"b"}]}"#)
    }

    @Test func explodeAndBatchBelongToTheirKind() {
        do {
            _ = try load(["providers/seg.json": provider,
                          "seg/decode.json": decode.replacingOccurrences(of: #""explode": "body.batch""#, with: #""batch": true"#),
                          "seg/encode.json": encode.replacingOccurrences(of: #""batch": true"#, with: #""explode": "body.x""#)])
            Issue.record("loaded")
        } catch {
            let found = plain(error)
            #expect(found.contains("seg/decode.json: /batch: only an encode mapping can batch events"))
            #expect(found.contains("seg/encode.json: /explode: only a decode mapping can explode a request into events"))
        }
    }
}
