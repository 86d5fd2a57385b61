import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

@Suite struct EventQueryTests {
    @Test func listingAUsersEventsInATimeRangeUsesAnIndexNotAScan() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try SQLiteJournal(path: path, durability: .normal)
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
}
