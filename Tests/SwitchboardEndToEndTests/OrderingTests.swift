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
