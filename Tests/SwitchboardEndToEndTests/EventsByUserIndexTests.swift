import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

/// The journal's index of events by user is kept only while a route lists events.
@Suite(.serialized) struct EventsByUserIndexTests {
    static func usesTheIndex(_ journal: any Journal) throws -> Bool {
        var query = EventQuery()
        query.userId = "u"
        query.since = Instant(milliseconds: 0)
        guard let sqlite = journal as? SQLiteJournal else { throw JournalError(operation: "test", reason: "not SQLite") }
        return try sqlite.plan(for: query).contains("INDEX events_user_received")
    }

    @Test func aGatewayWhoseRoutesListNoEventsDropsItAndStillDelivers() async throws {
        try await withHarness { harness in
            #expect(try Self.usesTheIndex(harness.gateway.journal) == false)
            let answer = try await harness.sendEvent(user: "u-1")
            #expect(answer.status == 200, "\(answer.body)")
            #expect(try await harness.eventually { try harness.deliveries([.delivered]).count == 1 })
        }
    }

    @Test func aGatewayWithARouteThatListsEventsBuildsItAgain() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let earlier = try SQLiteJournal(path: path, durability: .normal)
        #expect(try await earlier.indexEventsByUser(false, starting: {}), "as a gateway without a listing route left it")
        #expect(try Self.usesTheIndex(earlier) == false)
        earlier.close()
        let config = """
            {
              "listen": "127.0.0.1:0", "mappings": "\(repositoryRoot)/mappings", "journal": { "path": "\(path)" },
              "targets": { "flameup": { "provider": "flameup" } },
              "routes": [
                { "name": "builder-events", "from": "builder", "endpoint": "getEvents", "keys": { "env": "UNUSED" } },
                { "name": "to-flameup", "from": "usercom", "to": "flameup", "keys": { "env": "UNUSED" } }
              ]
            }
            """
        try await withSandbox(config: config) { sandbox in
            let indexed = try Self.usesTheIndex(sandbox.gateway.journal)
            #expect(indexed)
            let listed = try await sandbox.send(as: "builder", method: "GET", path: "/api/events/get?contactId=u", body: [])
            #expect(listed.status == 200, "\(listed.body)")
        }
    }
}
