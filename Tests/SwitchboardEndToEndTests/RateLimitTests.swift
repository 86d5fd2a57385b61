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
}
