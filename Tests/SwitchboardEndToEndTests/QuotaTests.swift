import Foundation
import SwitchboardCore
import SwitchboardSandbox
import Testing

/// A full journal refuses new events with 503 and Retry-After, keeps and delivers what it has,
/// and takes events again once delivered ones are pruned.
@Suite(.serialized) struct QuotaTests {
    @Test func aFullJournalRefusesNewEventsUntilPruningFreesSpace() async throws {
        try await withHarness(deadlineMs: 500) { harness in
            harness.journalSettings = #", "maxBytes": 131072, "retentionHours": 0, "pruneIntervalMs": 100"#
            await harness.stopGateway()
            try await harness.startGateway(deadlineMs: 500)
            harness.flameup.failAll(with: MockFlameup.requestError(503, type: "unavailable", message: "down"))
            var accepted = 0
            var refusal: (status: Int, body: String, retryAfter: String?)?
            for i in 0..<3_000 where refusal == nil {
                let answer = try await harness.sendEvent(user: "quota-\(i)")
                if answer.status == 200 { accepted += 1 } else { refusal = answer }
            }
            let full = try #require(refusal, "the quota was never reached")
            #expect(full.status == 503)
            #expect(full.retryAfter == "30")
            #expect(full.body == #"{"detail":"The gateway's storage is full; try again later."}"#, "user.com's own error shape")
            #expect(accepted > 10)
            #expect(try harness.deliveries([.pending]).count == accepted, "everything accepted is kept")

            harness.flameup.failAll(with: nil)
            var resumed = false
            for _ in 0..<300 where !resumed {
                try await Task.sleep(for: .milliseconds(100))
                resumed = try await harness.sendEvent(user: "after-full").status == 200
            }
            #expect(resumed, "intake resumes by itself once delivered events are pruned")
            let delivered = try await harness.eventually(30) { try harness.deliveries([.pending, .dead]).isEmpty }
            #expect(delivered)
            let users = Set(harness.flameup.accepted.compactMap { (try? JSONParser.parse($0.body))?["userId"]?.stringValue })
            #expect(users.isSuperset(of: (0..<accepted).map { "quota-\($0)" }), "every accepted event was delivered")
        }
    }
}
