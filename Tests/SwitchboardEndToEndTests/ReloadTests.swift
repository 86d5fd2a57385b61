import Foundation
import SwitchboardCore
import Testing

@Suite(.serialized) struct ReloadTests {
    @Test func aBrokenMappingIsRefusedAndTheRunningOneStays() async throws {
        try await withHarness(copyMappings: true) { harness in
            let decode = "\(harness.mappings)/usercom/decode.track.json"
            let original = try String(contentsOfFile: decode, encoding: .utf8)
            try original.replacingOccurrences(of: #""from": "body.name""#, with: #""form": "body.name""#)
                .write(toFile: decode, atomically: true, encoding: .utf8)
            #expect(harness.gateway.reloader.reload() == false)
            let status = harness.gateway.reloader.lastStatus
            #expect(!status.succeeded)
            #expect(status.problems.contains { $0.contains("usercom/decode.track.json:18:15: /fields/event/form: unknown key 'form' (did you mean 'from'?)") })
            let health = try await harness.send(path: "/health", body: "", method: "GET",
                                                authorization: "Bearer \(GatewayHarness.adminToken)", admin: true)
            #expect(health.status == 200)
            #expect(health.body.contains(#""succeeded":false"#))
            #expect(health.body.contains("unknown key 'form'"))
            let answer = try await harness.send(path: eventPath, body: validEvent)
            #expect(answer.status == 200, "the running mapping still serves")
            #expect(harness.flameup.accepted.last?.bodyText.contains(#""event":"signup""#) == true)
        }
    }

    @Test func aValidChangeIsSwappedInWithoutARestart() async throws {
        try await withHarness(copyMappings: true) { harness in
            let encode = "\(harness.mappings)/flameup/encode.track.json"
            let original = try String(contentsOfFile: encode, encoding: .utf8)
            try original.replacingOccurrences(of: #""from": "event.event""#, with: #""template": "app.{event.event}""#)
                .write(toFile: encode, atomically: true, encoding: .utf8)
            let swapped = await harness.eventually { harness.gateway.reloader.lastStatus.reloads > 0 }
            #expect(swapped, "the file change is noticed without a signal")
            #expect(harness.gateway.reloader.lastStatus.succeeded, "\(harness.gateway.reloader.lastStatus.problems)")
            let answer = try await harness.send(path: eventPath, body: validEvent)
            #expect(answer.status == 200)
            #expect(harness.flameup.accepted.last?.bodyText.contains(#""event":"app.signup""#) == true)
        }
    }

    @Test func theAdminListenerNeedsItsToken() async throws {
        try await withHarness { harness in
            let denied = try await harness.send(path: "/health", body: "", method: "GET", authorization: "Bearer wrong", admin: true)
            #expect(denied.status == 401)
            let appKey = try await harness.send(path: "/ready", body: "", method: "GET", authorization: "Token \(GatewayHarness.appKey)", admin: true)
            #expect(appKey.status == 401)
            let ready = try await harness.send(path: "/ready", body: "", method: "GET",
                                               authorization: "Bearer \(GatewayHarness.adminToken)", admin: true)
            #expect(ready.status == 200)
            #expect(ready.body == #"{"ready":true,"routes":1}"#)
        }
    }
}

@Suite(.serialized) struct ExplodeTests {
    @Test func aBatchRequestIsJournaledAndDeliveredAsOneEventPerElement() async throws {
        try await withHarness(copyMappings: true) { harness in
            let decode = "\(harness.mappings)/usercom/decode.track.json"
            let batchMapping = """
                {"kind": "decode", "provider": "usercom", "endpoint": "track", "explode": "body.events", "fields": {
                  "type": {"const": "track"},
                  "userId": {"from": "path.user_id", "required": true},
                  "event": {"from": "item.name", "type": "string", "required": true},
                  "timestamp": {"from": "item.timestamp", "time": {"from": "unix_seconds", "to": "rfc3339"}, "required": true},
                  "properties": {"from": "item.data", "default": {"const": {}}}
                }}
                """
            try batchMapping.write(toFile: decode, atomically: true, encoding: .utf8)
            #expect(harness.gateway.reloader.reload(), "\(harness.gateway.reloader.lastStatus.problems)")
            let body = #"{"events": [{"name": "a", "timestamp": 1}, {"name": "b", "timestamp": 2, "data": {"k": [] }}, {"name": "a", "timestamp": 3}]}"#
            let answer = try await harness.send(path: eventPath, body: body)
            #expect(answer.status == 200)
            #expect(answer.body == #"{"id":1,"created":true}"#)
            let delivered = await harness.eventually { harness.flameup.accepted.count == 3 }
            #expect(delivered)
            #expect(Set(harness.flameup.accepted.map(\.bodyText)) == [
                #"{"userId":"u1","event":"a","properties":{},"timestamp":"1970-01-01T00:00:01Z"}"#,
                #"{"userId":"u1","event":"b","properties":{"k":[]},"timestamp":"1970-01-01T00:00:02Z"}"#,
                #"{"userId":"u1","event":"a","properties":{},"timestamp":"1970-01-01T00:00:03Z"}"#,
            ])
            let bad = try await harness.send(path: eventPath, body: #"{"events": [{"name": "a", "timestamp": 1}, {"timestamp": 2}]}"#)
            #expect(bad.status == 400)
            #expect(bad.body == #"{"events[1].name":["This field is required."]}"#)
            #expect(harness.flameup.requests.count == 3, "nothing of a rejected batch is forwarded")
        }
    }
}
