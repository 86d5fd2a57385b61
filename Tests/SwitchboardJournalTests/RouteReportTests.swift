import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

/// The journal's side of a migration: the route report and backfill enqueueing.
@Suite struct RouteReportTests {
    func event(_ n: Int64, user: String) -> NewEvent {
        NewEvent(route: "app", source: "usercom", name: "e", userId: user, receivedAt: Instant(milliseconds: n * 1000),
                 canonical: Array(#"{"n":\#(n)}"#.utf8), targets: ["old", "new"], firstAttemptDue: Instant(milliseconds: n * 1000))
    }

    @Test(arguments: JournalKind.available) func countsPerTargetReasonsAndEventsThatSucceededOnOneAndFailedOnTheOther(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let appended = try await journal.append((1...4).map { event($0, user: "u\($0 % 2)") })
            var outcomes: [DeliveryOutcome] = []
            for (i, a) in appended.enumerated() {
                outcomes.append(DeliveryOutcome(deliveryId: a.deliveryIds[0], state: .delivered, attempts: 1, nextAttemptAt: nil,
                                                lastStatus: 200, lastError: nil, at: Instant(milliseconds: 9_000)))
                let dead = i < 2
                outcomes.append(DeliveryOutcome(deliveryId: a.deliveryIds[1], state: dead ? .dead : .delivered, attempts: 1,
                                                nextAttemptAt: nil, lastStatus: dead ? 422 : 200, lastError: dead ? "HTTP 422: bad" : nil,
                                                at: Instant(milliseconds: 9_000)))
            }
            try await journal.record(outcomes)
            let report = try journal.routeReport(route: "app", since: nil, until: nil, targets: ["new", "old"])
            #expect(report.events == 4)
            #expect(report.targets.map(\.name) == ["new", "old"], "in the order asked for")
            #expect(report.targets[0].delivered == 2 && report.targets[0].dead == 2 && report.targets[0].missing == 0)
            #expect(report.targets[0].reasons.map(\.reason) == ["HTTP 422: bad"] && report.targets[0].reasons.map(\.count) == [2])
            #expect(report.differences == [RouteReport.Difference(deliveredTo: "old", failedOn: "new", count: 2,
                                                                  examples: appended.prefix(2).map(\.eventId))])
            let ranged = try journal.routeReport(route: "app", since: Instant(milliseconds: 3_000), until: Instant(milliseconds: 4_000),
                                                 targets: ["old"])
            #expect(ranged.events == 1, "since included, until excluded")
        }
    }

    @Test(arguments: JournalKind.available) func aBackfillGivesEachEventInTheRangeOneDeliveryAndIsSafeToRepeat(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            _ = try await journal.append((1...5).map { event($0, user: "u") })
            let range = BackfillRange(route: "app", target: "third", since: Instant(milliseconds: 2_000), until: Instant(milliseconds: 5_000))
            #expect(try await journal.enqueueBackfill(range, now: Instant(milliseconds: 10_000), limit: 2) == 2)
            #expect(try await journal.enqueueBackfill(range, now: Instant(milliseconds: 10_000), limit: 2) == 1)
            #expect(try await journal.enqueueBackfill(range, now: Instant(milliseconds: 10_000), limit: 2) == 0, "repeating adds nothing")
            let report = try journal.routeReport(route: "app", since: nil, until: nil, targets: ["third"])
            #expect(report.targets.first { $0.name == "third" }?.pending == 3)
            #expect(report.targets.first { $0.name == "third" }?.missing == 2, "events 1 and 5 are outside the range")
            // The user's backfilled deliveries are one line, oldest first, behind the user's
            // earlier pending ones (the two live targets' deliveries).
            let due = try journal.dueDeliveries(now: Instant(milliseconds: 10_000), limit: 100, excluding: [])
            #expect(due.filter { $0.target == "third" }.map(\.eventId).count == 1, "only the head of the user's line is due")
            #expect(due.first { $0.target == "third" }?.receivedAt == Instant(milliseconds: 10_000), "its retry window starts at the backfill")
            var filter = DeliveryFilter()
            filter.states = [.pending]
            filter.target = "third"
            let backfilled = try journal.deliveries(matching: filter).sorted { $0.deliveryId < $1.deliveryId }
            #expect(backfilled.map { $0.nextAttemptAt == nil } == [false, true, true], "the rest wait their turn, out of the due query's way")
        }
    }
}

