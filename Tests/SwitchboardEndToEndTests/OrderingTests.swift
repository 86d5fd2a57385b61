import Foundation
import SwitchboardCore
import SwitchboardSandbox
import Testing

/// Per-user order per target: a user's later event waits while an earlier one is retrying, and
/// other users are not held up.
@Suite(.serialized) struct OrderingTests {
    static func event(_ name: String) -> String { #"{"name": "\#(name)", "timestamp": 1700000000}"# }

    @Test func aUsersLaterEventWaitsBehindAnEarlierOneThatIsRetrying() async throws {
        try await withHarness { harness in
            // Alice's first event fails five times (retries back off over ~0.5 s).
            harness.flameup.script(userId: "alice", Array(repeating: MockFlameup.requestError(503, type: "unavailable", message: "busy"), count: 5))
            let a1 = try await harness.send(path: "/api/public/users-by-id/alice/events/", body: Self.event("a1"))
            let a2 = try await harness.send(path: "/api/public/users-by-id/alice/events/", body: Self.event("a2"))
            let b1 = try await harness.send(path: "/api/public/users-by-id/bob/events/", body: Self.event("b1"))
            #expect([a1.status, a2.status, b1.status] == [Int](repeating: 200, count: 3))
            // Bob's event was forwarded and delivered within his request; alice's line is still held.
            #expect(harness.flameup.accepted.map { Self.name(of: $0.bodyText) } == ["b1"])
            let all = try await harness.eventually { try harness.deliveries([.delivered]).count == 3 }
            #expect(all)
            let alice = harness.flameup.requests.filter { Self.name(of: $0.bodyText).hasPrefix("a") }
            #expect(alice.map { Self.name(of: $0.bodyText) } == Array(repeating: "a1", count: 6) + ["a2"],
                    "alice's second event is sent only after her first is delivered")
            #expect(harness.flameup.duplicates == 0)
        }
    }

    @Test func eventsOfOneUserAreDeliveredInTheOrderTheyWereAccepted() async throws {
        try await withHarness { harness in
            // Two failures in a row hold the user's line for a few backoff periods.
            harness.flameup.script([MockFlameup.requestError(500, type: "internal_error", message: "boom"),
                                    MockFlameup.requestError(500, type: "internal_error", message: "boom")])
            for i in 1...6 {
                let answer = try await harness.send(path: "/api/public/users-by-id/carol/events/", body: Self.event("c\(i)"))
                #expect(answer.status == 200)
            }
            let all = try await harness.eventually { try harness.deliveries([.delivered]).count == 6 }
            #expect(all)
            #expect(harness.flameup.accepted.map { Self.name(of: $0.bodyText) } == (1...6).map { "c\($0)" })
        }
    }

    static func name(of body: String) -> String {
        guard let json = try? JSONParser.parse(body) else { return "?" }
        return json["event"]?.stringValue ?? "?"
    }
}

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
