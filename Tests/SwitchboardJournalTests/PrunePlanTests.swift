import Foundation
import SwitchboardJournal
import Testing

@Suite struct PrunePlanTests {
    /// A prune pass runs on the journal's writer: a table scan there stops intake for as long
    /// as it takes to read every event.
    @Test func findingExpiredEventsUsesTheReceivedIndexNotAScan() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prune-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try SQLiteJournal(path: path, durability: .normal)
        let plan = try journal.prunePlan()
        #expect(plan.contains("INDEX events_received"), "\(plan)")
        #expect(!plan.contains("SCAN e"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "already in order, no sort: \(plan)")
    }
}
