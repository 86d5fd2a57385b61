import Foundation
import Logging
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import Testing

/// A delivery turned away because the most attempts allowed are already in flight.
@Suite struct BusyTests {
    /// An event's first attempt, made on arrival, holds a lease: nobody else may send it while the
    /// lease lasts. Turned away as busy, it is made due at once, so that the retry worker can take
    /// it as soon as there is room rather than when the lease ends.
    @Test func aLeasedFirstAttemptTurnedAwayIsDueAtOnce() async throws {
        let file = ScratchJournalFile("busy")
        defer { file.remove() }
        let journal = try SQLiteJournal(path: file.path)
        let clock = SystemClock()
        let now = clock.now()
        let leaseEnd = Instant(milliseconds: now.milliseconds + 60_000)
        let id = try await appendOneFlameupEvent(to: journal, receivedAt: now, due: leaseEnd)
        #expect(try journal.dueDeliveries(now: now, limit: 10, excluding: [], skippingTargets: []).isEmpty, "leased")

        let target = try flameupTarget(token: "fl_test_token", clock: clock)
        let transport = CurlTransport(options: TransportOptions())
        defer { transport.shutdown() }
        let dispatcher = Dispatcher(targets: Snapshot([:]), journal: journal, transport: transport, backoff: Backoff(),
                                    clock: clock, logger: Logger(label: "test"))
        dispatcher.maxInFlight = 0
        let verdict = await withCheckedContinuation { continuation in
            dispatcher.attempt(deliveryId: id, target: target,
                               request: OutboundRequest(method: "POST", url: "https://127.0.0.1:9/never-sent", headers: [], body: []),
                               previousAttempts: 0, onResult: { continuation.resume(returning: $0.verdict) })
        }
        #expect(verdict == .retry("busy"))

        // The write follows the answer.
        var due: [DueDelivery] = []
        for _ in 0..<200 where due.isEmpty || !dispatcher.inFlightIds.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
            due = try journal.dueDeliveries(now: clock.now(), limit: 10, excluding: [], skippingTargets: [])
        }
        #expect(due.map(\.deliveryId) == [id])
        #expect(dispatcher.inFlightIds.isEmpty, "claimed only until the write")
        let record = try #require(try journal.deliveries(states: [.pending], limit: 10).first)
        #expect(record.attempts == 0, "nothing was sent")
        #expect(record.lastError == "busy: 0 deliveries in flight")
    }
}
