import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import Testing

/// Builder's getEvents, answered from the journal.
@Suite(.serialized) struct EventListTests {
    static func post(_ sandbox: SandboxHarness, type: String, contact: String, scope: String? = nil) async throws {
        var body: [(key: String, value: JSONValue)] = [(key: "event_type", value: .string(type)),
                                                      (key: "content", value: ["contactId": .string(contact)])]
        if let scope { body.append((key: "scope", value: .string(scope))) }
        let answer = try await sandbox.send(as: "builder", path: "/api/events/post", body: JSONWriter.bytes(.object(JSONObject(body))))
        #expect(answer.status == 200, "\(answer.body)")
    }

    static func get(_ sandbox: SandboxHarness, _ query: String) async throws -> (status: Int, body: JSONValue) {
        let answer = try await sandbox.send(as: "builder", method: "GET", path: "/api/events/get?\(query)", body: [])
        return (answer.status, try JSONParser.parse(Array(answer.body.utf8)))
    }

    @Test func getEventsFiltersByContactTypeScopeAndTimeAndPages() async throws {
        try await withSandbox { sandbox in
            let before = Int64(Date().timeIntervalSince1970 * 1000) - 1
            try await Self.post(sandbox, type: "new_order", contact: "c-1")
            try await Self.post(sandbox, type: "new_contact", contact: "c-1")
            try await Self.post(sandbox, type: "new_order", contact: "c-2")
            try await Self.post(sandbox, type: "page_view", contact: "c-1", scope: "site")
            // An event from another vendor is in the journal too.
            let usercom = try await sandbox.send(as: "usercom", path: "/api/public/users-by-id/c-1/events/",
                                                 body: Array(#"{"name": "new_order"}"#.utf8))
            #expect(usercom.status == 200)
            let after = Int64(Date().timeIntervalSince1970 * 1000) + 1

            // The SDK's own example: milliseconds, a contact, a scope, two types, offset "0", limit 50.
            let example = try await Self.get(sandbox, "since=\(before)&until=\(after)&contactId=c-1&scope=app&eventTypes=new_order,new_contact&offset=0&limit=50")
            #expect(example.status == 200)
            let events = example.body["events"]?.arrayValue ?? []
            #expect(events.map { $0["event_type"]?.stringValue } == ["new_order", "new_contact"])
            #expect(events.allSatisfy { $0["contactId"] == "c-1" && $0["scope"] == "app" })
            #expect(example.body["total"] == .integer(2))
            #expect(events.first?["content"] == ["contactId": "c-1"])

            // Empty contact, scope and types filter nothing: every retained event, any vendor's.
            let all = try await Self.get(sandbox, "since=\(before)&until=\(after)&contactId=&scope=&eventTypes=&offset=0&limit=2")
            #expect(all.body["total"] == .integer(5))
            #expect(all.body["events"]?.arrayValue?.count == 2, "limit holds")
            let rest = try await Self.get(sandbox, "since=\(before)&until=\(after)&contactId=&scope=&eventTypes=&offset=4&limit=50")
            #expect(rest.body["events"]?.arrayValue?.map { $0["event_type"]?.stringValue } == ["new_order"])
            #expect(rest.body["events"]?.arrayValue?.first?["scope"] == nil, "user.com's event has no scope")

            let none = try await Self.get(sandbox, "since=\(after + 1)&until=\(after + 10)")
            #expect(none.body["events"] == .array([]))
        }
    }

    @Test func badFiltersAndBadTokensGetBuildersErrorShape() async throws {
        try await withSandbox { sandbox in
            let limit = try await Self.get(sandbox, "limit=5000")
            #expect(limit.status == 400)
            #expect(limit.body == ["success": false, "error": "limit must be between 1 and 1000"])
            let since = try await Self.get(sandbox, "since=yesterday")
            #expect(since.status == 400)
            #expect(since.body["error"] == "since cannot be converted to integer")
            let forged = JWT.sign(JSONObject([(key: "instanceId", value: "x")]), secret: Secret("not-the-secret"))
            let answer = try await sandbox.send(as: "builder", method: "GET", path: "/api/events/get", body: [],
                                                headers: [("instance-jwt", forged)])
            #expect(answer.status == 401)
            #expect(answer.body == #"{"success":false,"error":"The token's signature is not valid."}"#)
        }
    }
}
