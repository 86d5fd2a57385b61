import Foundation
import Logging
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import Testing

@Suite struct RetryWorkerTests {
    @Test func anEventPastTheRetryWindowIsDeadLetteredWithItsHistory() async throws {
        let file = ScratchJournalFile("window")
        defer { file.remove() }
        let journal = try SQLiteJournal(path: file.path)
        let now = SystemClock().now()
        let old = Instant(seconds: now.seconds - 73 * 3600)
        let fresh = Instant(seconds: now.seconds - 3600)
        let appended = try await journal.append([old, fresh].map {
            NewEvent(route: "r", source: "s", name: "e", userId: "u\($0.seconds)", receivedAt: $0, canonical: Array("{}".utf8),
                     targets: ["gone"], firstAttemptDue: $0)
        })
        try await journal.record(appended.map {
            DeliveryOutcome(deliveryId: $0.deliveryIds[0], state: .pending, attempts: 5, nextAttemptAt: fresh, lastStatus: 503,
                            lastError: "HTTP 503: down", at: fresh)
        })
        let transport = CurlTransport(options: TransportOptions())
        defer { transport.shutdown() }
        let dispatcher = Dispatcher(targets: Snapshot([:]), journal: journal, transport: transport, backoff: Backoff(),
                                    clock: SystemClock(), logger: Logger(label: "test"))
        let worker = RetryWorker(journal: journal, dispatcher: dispatcher, clock: SystemClock(), logger: Logger(label: "test"))
        #expect(worker.runOnce() == 2)
        var dead: [DeliveryRecord] = []
        for _ in 0..<200 where dead.count < 2 {
            try await Task.sleep(for: .milliseconds(10))
            dead = try journal.deliveries(states: [.dead], limit: 10)
        }
        let byEvent = Dictionary(uniqueKeysWithValues: dead.map { ($0.eventId, $0) })
        #expect(byEvent[appended[0].eventId]?.lastError == "retry window of 72 h passed after 5 attempts; last: HTTP 503: down")
        #expect(byEvent[appended[1].eventId]?.lastError == "config: no target named 'gone'", "inside the window it is the missing target that stops it")
        #expect(byEvent[appended[0].eventId]?.attempts == 5)
    }
}
