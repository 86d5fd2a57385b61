import Foundation
import SwitchboardCore
import SwitchboardSandbox
import Testing

/// A target that is down is left alone, probed, and delivered to once it is back.
@Suite(.serialized) struct CircuitBreakerEndToEndTests {
    @Test func aTargetThatIsDownGetsProbesNotEveryEventAndEverythingArrivesWhenItIsBack() async throws {
        try await withHarness { harness in
            harness.breakerThreshold = 3
            await harness.stopGateway()
            try await harness.startGateway()
            harness.flameup.script(Array(repeating: MockFlameup.requestError(503, type: "unavailable", message: "down"), count: 10_000))
            let users = (1...20).map { "user-\($0)" }
            for user in users {
                let answer = try await harness.send(path: "/api/public/users-by-id/\(user)/events/", body: validEvent)
                #expect(answer.status == 200, "accepted and journaled while the vendor is down")
            }
            try await Task.sleep(for: .milliseconds(1_000))
            let duringOutage = harness.flameup.requests.count
            #expect(duringOutage < users.count, "without a breaker every event is sent at least once, and retried")
            let metrics = try await harness.send(path: "/metrics", body: "", method: "GET",
                                                 authorization: "Bearer \(GatewayHarness.adminToken)", admin: true)
            #expect(metrics.body.contains(#"switchboard_target_circuit_open{target="flameup"} 1"#))
            harness.flameup.reset()
            let delivered = try await harness.eventually(30) { try harness.deliveries([.delivered]).count == users.count }
            #expect(delivered)
            #expect(Set(harness.flameup.accepted.map { Self.userId(of: $0.bodyText) }) == Set(users))
            #expect(harness.flameup.duplicates == 0)
            let after = try await harness.send(path: "/metrics", body: "", method: "GET",
                                               authorization: "Bearer \(GatewayHarness.adminToken)", admin: true)
            #expect(after.body.contains(#"switchboard_target_circuit_open{target="flameup"} 0"#))
        }
    }

    static func userId(of body: String) -> String {
        (try? JSONParser.parse(body))?["userId"]?.stringValue ?? "?"
    }
}
