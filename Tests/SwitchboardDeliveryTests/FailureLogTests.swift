import Foundation
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import Testing

/// What an operator reads about a failed delivery: one log line naming the delivery, the target,
/// the attempt, the reason and when it is retried, and never the target's secrets.
@Suite struct FailureLogTests {
    @Test func aRetriedDeliveryLogsWhoWhyAndWhenWithoutSecrets() async throws {
        let file = ScratchJournalFile("faillog")
        defer { file.remove() }
        let journal = try SQLiteJournal(path: file.path)
        let clock = SystemClock()
        let id = try await appendOneFlameupEvent(to: journal, receivedAt: clock.now(), due: clock.now())
        let target = try flameupTarget(token: "fl_secret_token_42", clock: clock)
        let lines = CapturedLines()
        let transport = CurlTransport(options: TransportOptions())
        defer { transport.shutdown() }
        let dispatcher = Dispatcher(targets: Snapshot([:]), journal: journal, transport: transport, backoff: Backoff(),
                                    clock: clock, logger: Logger(label: "test") { _ in lines })

        // Nothing listens on port 9: the connection is refused, which is worth a retry.
        let verdict = await withCheckedContinuation { continuation in
            dispatcher.attempt(deliveryId: id, target: target,
                               request: OutboundRequest(method: "POST", url: "https://127.0.0.1:9/api/v1/events",
                                                        headers: ["Authorization: Bearer fl_secret_token_42"], body: []),
                               previousAttempts: 0, onResult: { continuation.resume(returning: $0.verdict) })
        }
        guard case .retry = verdict else {
            Issue.record("expected a retry, got \(verdict)")
            return
        }
        // The line is written with the outcome, just after the answer.
        var retried: CapturedLines.Line?
        for _ in 0..<200 where retried == nil {
            try await Task.sleep(for: .milliseconds(10))
            retried = lines.all.first { $0.message == "delivery will be retried" }
        }
        let line = try #require(retried, "\(lines.all)")
        #expect(line.metadata["sb.delivery.id"] == "\(id)")
        #expect(line.metadata["sb.target"] == "flameup")
        #expect(line.metadata["sb.delivery.attempt"] == "1")
        #expect(line.metadata["sb.reason"]?.isEmpty == false)
        #expect(Int(line.metadata["sb.retry.in_ms"] ?? "") ?? 0 > 0)
        #expect(!lines.all.contains { $0.description.contains("fl_secret_token_42") })
    }
}

/// A log handler that keeps every line, with its own metadata as text.
private final class CapturedLines: LogHandler, @unchecked Sendable {
    struct Line: CustomStringConvertible {
        let message: String
        let metadata: [String: String]
        var description: String { "\(message) \(metadata)" }
    }

    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = (event.metadata ?? [:]).mapValues { "\($0)" }
        lines.withLock { $0.append(Line(message: "\(event.message)", metadata: text)) }
    }
}
