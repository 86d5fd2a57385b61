import Foundation
import SwitchboardJournal
import Testing

/// The plans of the journal's queries that run on every prune pass or poll, whatever the journal's size.
@Suite struct QueryPlanTests {
    /// The plan `read` takes from a new, empty journal.
    func plan(_ read: (SQLiteJournal) throws -> String) throws -> String {
        let made = try TestJournal(.sqlite)
        defer { made.remove() }
        return try read(try #require(try made.open(durability: .normal) as? SQLiteJournal))
    }

    /// A prune pass runs on the journal's writer: a table scan there stops intake for as long
    /// as it takes to read every event.
    @Test func findingExpiredEventsUsesTheReceivedIndexNotAScan() throws {
        let plan = try plan { try $0.prunePlan() }
        #expect(plan.contains("INDEX events_received"), "\(plan)")
        #expect(!plan.contains("SCAN e"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "already in order, no sort: \(plan)")
    }

    /// The retry worker asks for due deliveries many times a second: reading every pending
    /// delivery there makes a large backlog drain slower the larger it is.
    @Test func findingDueDeliveriesReadsTheDueIndexInOrder() throws {
        let plan = try plan { try $0.duePlan() }
        #expect(plan.contains("SEARCH d USING INDEX deliveries_due"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "already in order, no sort: \(plan)")
    }
}
