import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

@Suite struct EventQueryTests {
    @Test func listingAUsersEventsInATimeRangeUsesAnIndexNotAScan() throws {
        let made = try TestJournal(.sqlite)
        defer { made.remove() }
        let journal = try #require(try made.open(durability: .normal) as? SQLiteJournal)
        var query = EventQuery()
        query.userId = "u"
        query.since = Instant(milliseconds: 0)
        query.until = Instant(milliseconds: 1)
        let byUser = try journal.plan(for: query)
        #expect(byUser.contains("INDEX events_user_received"), "\(byUser)")
        query.userId = nil
        let byTime = try journal.plan(for: query)
        #expect(byTime.contains("INDEX events_received"), "\(byTime)")
        #expect(!byTime.contains("TEMP B-TREE"), "already in order, no sort: \(byTime)")
    }

    @Test func theIndexOfEventsByUserIsDroppedAndRebuiltAndListingStaysRight() async throws {
        let made = try TestJournal(.sqlite)
        defer { made.remove() }
        let journal = try #require(try made.open(durability: .normal) as? SQLiteJournal)
        func event(_ user: String, at ms: Int64) -> NewEvent {
            NewEvent(route: "r", source: "builder", name: "e", userId: user, receivedAt: Instant(milliseconds: ms),
                     canonical: Array(#"{"event":"e"}"#.utf8), targets: ["a"], firstAttemptDue: Instant(milliseconds: ms))
        }
        _ = try await journal.append([event("u", at: 1), event("v", at: 2), event("u", at: 3), event("u", at: 9)])
        var query = EventQuery()
        query.userId = "u"
        query.since = Instant(milliseconds: 0)
        query.until = Instant(milliseconds: 5)
        let indexed = try journal.events(matching: query)
        #expect(indexed.events.map(\.receivedAt.milliseconds) == [1, 3] && indexed.total == 2)

        #expect(try await journal.indexEventsByUser(false, starting: {}), "dropped")
        #expect(try await journal.indexEventsByUser(false, starting: {}) == false, "already gone")
        #expect(!(try journal.plan(for: query)).contains("events_user_received"))
        #expect(try journal.events(matching: query) == indexed, "the same answer without the index")
        _ = try await journal.append([event("u", at: 4)])

        #expect(try await journal.indexEventsByUser(true, starting: {}), "built")
        #expect(try await journal.indexEventsByUser(true, starting: {}) == false, "already there")
        #expect(try journal.plan(for: query).contains("INDEX events_user_received"))
        #expect(try journal.events(matching: query).events.map(\.receivedAt.milliseconds) == [1, 3, 4], "events appended meanwhile are in it")
    }
}
