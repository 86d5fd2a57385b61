import Foundation
import Logging
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import SwitchboardSandbox
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

    /// Once a delivery the worker read from the journal is delivered, the next one in its user's
    /// line is sent at once: a line drains from one poll, one event after another.
    @Test func aUsersLineDrainsFromOnePollInOrder() async throws {
        let flameup = MockFlameup(token: "fl_test_token", workspace: "ws_test")
        let certificates = try SandboxCertificates.load(
            ca: "\(tlsFolder)/ca.pem", certificate: "\(tlsFolder)/server.pem", key: "\(tlsFolder)/server.key")
        let server = try await MockServer.start(certificates: certificates) { flameup.handle($0) }
        let file = ScratchJournalFile("line")
        defer { file.remove() }
        let journal = try SQLiteJournal(path: file.path)
        let clock = SystemClock()
        for (user, name) in [("alice", "a1"), ("alice", "a2"), ("bob", "b1"), ("alice", "a3")] {
            let canonical = #"{"type":"track","event":"\#(name)","userId":"\#(user)","timestamp":"2026-01-01T00:00:00Z"}"#
            _ = try await journal.append([NewEvent(route: "r", source: "usercom", name: name, userId: user, receivedAt: clock.now(),
                                                   canonical: Array(canonical.utf8), targets: ["flameup"], firstAttemptDue: clock.now())])
        }
        let target = try flameupTarget(token: "fl_test_token", clock: clock, baseURL: "https://127.0.0.1:\(server.port)")
        let transport = CurlTransport(options: TransportOptions(caFile: "\(tlsFolder)/ca.pem"))
        defer { transport.shutdown() }
        let dispatcher = Dispatcher(targets: Snapshot(["flameup": target]), journal: journal, transport: transport,
                                    backoff: Backoff(), clock: clock, logger: Logger(label: "test"))
        let worker = RetryWorker(journal: journal, dispatcher: dispatcher, clock: clock, interval: .seconds(3600),
                                 logger: Logger(label: "test"))
        #expect(worker.runOnce() == 2, "the heads of alice's line and bob's; alice's others wait their turn")
        var delivered = 0
        for _ in 0..<500 where delivered < 4 {
            try await Task.sleep(for: .milliseconds(10))
            delivered = try journal.deliveries(states: [.delivered], limit: 10).count
        }
        await server.stop()
        #expect(delivered == 4, "no second poll was made")
        let names = flameup.accepted.compactMap { (try? JSONParser.parse($0.bodyText))?["event"]?.stringValue }
        #expect(names.filter { $0.hasPrefix("a") } == ["a1", "a2", "a3"])
        #expect(names.count == 4 && flameup.duplicates == 0)
    }
}
