import Foundation
import SwitchboardCore
import SwitchboardSandbox
import Testing

/// A burst to a rate-limited vendor waits in the journal instead of earning 429s.
@Suite(.serialized) struct RateLimitTests {
    @Test func aBurstIsPacedToTheTargetsRateLimitWithoutA429() async throws {
        // The mock allows one request a second more than the target is paced to: arrivals jitter
        // on a loaded machine, and a test must not hang on the scheduler (RatePacerTests holds
        // the pacing itself to the exact limit).
        try await withHarness(flameupRateLimit: (5, 1), rateLimit: #"{"requests": 4, "perSeconds": 1}"#) { harness in
        let users = (0..<12).map { "paced-\($0)" }
        for user in users {
            let answer = try await harness.sendEvent(user: user)
            #expect(answer.status == 200, "accepted at once; the slot comes later: \(answer.body)")
        }
        #expect(await harness.eventually(20) { harness.flameup.accepted.count == users.count }, "every event arrives")
        #expect(harness.flameup.rateLimited == 0, "the strict mock never had to answer 429")
        #expect(harness.flameup.requests.count == users.count, "nothing was sent twice")
        #expect(try await harness.eventually { try harness.deliveries([.pending, .dead]).isEmpty }, "and is recorded as delivered")
        }
    }

    /// What the next second's slots cannot take waits in the journal due at once, for the worker
    /// to claim as slots free up, and not behind the lease of an attempt that never went.
    @Test func deliveriesPastTheHorizonAreDueAtOnce() async throws {
        // The mock allows twice the pace, for the same reason as above.
        try await withHarness(mode: "queue", flameupRateLimit: (4, 1), rateLimit: #"{"requests": 2, "perSeconds": 1}"#) { harness in
        // Twenty, so that some are turned away even when sending them takes a few seconds.
        let users = (0..<20).map { "queued-\($0)" }
        for user in users {
            let answer = try await harness.sendEvent(user: user)
            #expect(answer.status == 200, "queued: \(answer.body)")
        }
        // The turned-away ones are released with a write of their own, just after the answers.
        let released = { try harness.deliveries([.pending]).filter { $0.lastError?.hasPrefix("rate limit") == true } }
        #expect(try await harness.eventually { try released().count >= 5 }, "of twenty, the first seconds' slots take a few")
        let checked = Int64(Date().timeIntervalSince1970 * 1000)
        for delivery in try released() {
            #expect(delivery.attempts == 0, "not counted as an attempt")
            #expect((delivery.nextAttemptAt?.milliseconds ?? 0) <= checked, "delivery \(delivery.deliveryId) is due, not leased")
        }
        #expect(await harness.eventually(30) { harness.flameup.accepted.count == users.count }, "every event arrives")
        #expect(harness.flameup.rateLimited == 0 && harness.flameup.requests.count == users.count)
        }
    }
}
