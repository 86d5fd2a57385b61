import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

@Suite struct SQLiteJournalTests {
    func withJournal(_ body: (SQLiteJournal, String) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try await body(try SQLiteJournal(path: path), path)
    }

    /// An event of its own user (named after the event) unless `user` is given.
    func event(_ name: String, at ms: Int64 = 1_000, targets: [String] = ["a"], user: String? = nil) -> NewEvent {
        NewEvent(route: "r", source: "usercom", name: name, userId: user ?? "u-\(name)", receivedAt: Instant(milliseconds: ms),
                 canonical: Array(#"{"event":"\#(name)"}"#.utf8), targets: targets, firstAttemptDue: Instant(milliseconds: ms + 10_000))
    }

    @Test func appendsWithADeliveryPerTargetAndTracksFirstOccurrence() async throws {
        try await withJournal { journal, _ in
            let first = try await journal.append([event("signup", targets: ["a", "b"]), event("signup")])
            #expect(first.map(\.firstOfName) == [true, false])
            #expect(first[0].deliveryIds.count == 2)
            #expect(first[1].eventId == first[0].eventId + 1)
            let pending = try journal.deliveries(states: [.pending], limit: 10)
            #expect(pending.count == 3)
        }
    }

    @Test func concurrentAppendsAllCommitWithUniqueIds() async throws {
        try await withJournal { journal, _ in
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for i in 0..<200 {
                    group.addTask { try await journal.append([event("e\(i % 7)")])[0].eventId }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(ids).count == 200)
        }
    }

    @Test func aUsersLaterDeliveryIsDueOnlyAfterTheEarlierOneIsSettled() async throws {
        try await withJournal { journal, _ in
            let first = try await journal.append([event("a1", targets: ["x", "y"], user: "alice")])[0]
            let second = try await journal.append([event("a2", targets: ["x", "y"], user: "alice"), event("b1", user: "bob")])
            #expect(first.earlierPending == [[], []])
            #expect(second[0].earlierPending == [[first.deliveryIds[0]], [first.deliveryIds[1]]], "alice's second event waits on both targets")
            #expect(second[0].waits(target: 0) && second[0].waits(target: 1))
            #expect(!second[0].waits(target: 0, isSettled: { $0 == first.deliveryIds[0] }), "unless the earlier outcome is known")
            #expect(second[1].earlierPending == [[]])
            let later = Instant(milliseconds: 60_000)
            var due = try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId)
            #expect(due == first.deliveryIds + second[1].deliveryIds)
            try await journal.record([DeliveryOutcome(deliveryId: first.deliveryIds[0], state: .delivered, attempts: 1,
                                                      nextAttemptAt: nil, lastStatus: 200, lastError: nil, at: later)])
            due = try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId)
            #expect(Set(due) == [first.deliveryIds[1], second[0].deliveryIds[0], second[1].deliveryIds[0]],
                    "on target x alice's line moved on; on y it still waits for the first event")
            try await journal.record([DeliveryOutcome(deliveryId: first.deliveryIds[1], state: .dead, attempts: 1,
                                                      nextAttemptAt: nil, lastStatus: 422, lastError: "HTTP 422", at: later)])
            due = try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId)
            #expect(due.contains(second[0].deliveryIds[1]), "a dead letter no longer holds the line")
        }
    }

    @Test func releasingLeasesMakesUnattemptedDeliveriesDueButNotRetries() async throws {
        try await withJournal { journal, _ in
            let appended = try await journal.append([event("a"), event("b")])
            try await journal.record([DeliveryOutcome(deliveryId: appended[1].deliveryIds[0], state: .pending, attempts: 1,
                                                      nextAttemptAt: Instant(milliseconds: 50_000), lastStatus: 503,
                                                      lastError: "HTTP 503", at: Instant(milliseconds: 2_000))])
            let now = Instant(milliseconds: 3_000)
            #expect(try journal.dueDeliveries(now: now, limit: 10, excluding: []).isEmpty, "both wait: a lease and a backoff")
            #expect(try await journal.releaseLeases(now: now) == 1)
            #expect(try journal.dueDeliveries(now: now, limit: 10, excluding: []).map(\.deliveryId) == [appended[0].deliveryIds[0]])
        }
    }

    @Test func dueDeliveriesFollowTheScheduleAndOutcomes() async throws {
        try await withJournal { journal, path in
            let appended = try await journal.append([event("a"), event("b")])
            let ids = appended.map { $0.deliveryIds[0] }
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 5_000), limit: 10, excluding: []).isEmpty)
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 11_000), limit: 10, excluding: []).map(\.deliveryId) == ids)
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 11_000), limit: 10, excluding: [ids[0]]).map(\.deliveryId) == [ids[1]])
            try await journal.record([
                DeliveryOutcome(deliveryId: ids[0], state: .delivered, attempts: 1, nextAttemptAt: nil, lastStatus: 200,
                                lastError: nil, at: Instant(milliseconds: 2_000)),
                DeliveryOutcome(deliveryId: ids[1], state: .pending, attempts: 1, nextAttemptAt: Instant(milliseconds: 20_000),
                                lastStatus: 503, lastError: "HTTP 503", at: Instant(milliseconds: 2_000)),
            ])
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 11_000), limit: 10, excluding: []).isEmpty)
            let due = try journal.dueDeliveries(now: Instant(milliseconds: 20_000), limit: 10, excluding: [])
            #expect(due.map(\.deliveryId) == [ids[1]])
            #expect(due.first?.attempts == 1)
            #expect(due.first?.canonical == Array(#"{"event":"b"}"#.utf8))
            // What is committed survives reopening the file.
            let reopened = try SQLiteJournal(path: path)
            #expect(try reopened.deliveries(states: [.delivered], limit: 10).map(\.deliveryId) == [ids[0]])
            #expect(try reopened.deliveries(states: [.pending], limit: 10).first?.lastError == "HTTP 503")
        }
    }
}
