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

/// Dead letters and retries keep their history; `failures` and the admin API find them by
/// event, target, user, state and time, and replay them.
@Suite(.serialized) struct FailuresQueryTests {
    @Test func failuresAreFoundByFilterShownWithHistoryAndReplayedThroughTheAdminAPI() async throws {
        try await withHarness(deadlineMs: 2_000) { harness in
            let token = GatewayHarness.token
            harness.flameup.script(userId: "dora", [MockFlameup.validationError([("event", "Unknown event")])])
            harness.flameup.script(userId: "eve", [MockResponse(status: 500, json: #"{"error":"bad key \#(token)"}"#)]
                + Array(repeating: MockFlameup.requestError(503, type: "unavailable", message: "down"), count: 1_000))
            for user in ["dora", "eve", "finn"] {
                _ = try await harness.send(path: "/api/public/users-by-id/\(user)/events/", body: validEvent)
            }
            let settled = try await harness.eventually {
                try harness.deliveries([.dead]).count == 1 && harness.deliveries([.pending]).first.map { $0.attempts >= 2 } == true
            }
            #expect(settled)
            let dead = try #require(try harness.deliveries([.dead]).first)
            let pending = try #require(try harness.deliveries([.pending]).first)
            let cli = ["--journal", harness.journalPath]

            let deadOnly = try await SwitchboardCLI.run(["failures", "list", "--state", "dead", "--target", "flameup"] + cli)
            #expect(deadOnly.contains("HTTP 422") && !deadOnly.contains("HTTP 503"))
            let eves = try await SwitchboardCLI.run(["failures", "list", "--user", "eve"] + cli)
            #expect(eves.contains("HTTP 503") && !eves.contains("HTTP 422"))
            let future = try await SwitchboardCLI.run(["failures", "list", "--since", "2999-01-01T00:00:00Z"] + cli)
            #expect(future.contains("No pending or dead-lettered deliveries."))
            let byEvent = try await SwitchboardCLI.run(["failures", "list", "--state", "all", "--event", "\(dead.eventId)"] + cli)
            #expect(byEvent.contains("HTTP 422") && !byEvent.contains("HTTP 503"))

            let shown = try await SwitchboardCLI.run(["failures", "show", "\(pending.deliveryId)"] + cli)
            #expect(shown.contains("failed attempts:"))
            #expect(shown.contains("HTTP 500") && shown.contains("HTTP 503"))
            #expect(shown.contains("[redacted]"), "the vendor echoed the credential; the excerpt masks it")
            #expect(!shown.contains(token))

            let admin = "Bearer \(GatewayHarness.adminToken)"
            let listed = try await harness.send(path: "/failures?state=dead", body: "", method: "GET", authorization: admin, admin: true)
            #expect(listed.status == 200)
            let list = try JSONParser.parse(listed.body)["deliveries"]?.arrayValue ?? []
            #expect(list.count == 1 && list.first?["userId"] == "dora")
            let bad = try await harness.send(path: "/failures?colour=red", body: "", method: "GET", authorization: admin, admin: true)
            #expect(bad.status == 400)
            let one = try await harness.send(path: "/failures/\(dead.deliveryId)", body: "", method: "GET", authorization: admin, admin: true)
            let detail = try JSONParser.parse(one.body)
            #expect(detail["failedAttempts"]?.arrayValue?.count == 1)
            #expect(detail["vendorSaid"]?.stringValue?.contains("Validation failed") == true)

            let replay = try await harness.send(path: "/replay", body: #"{"ids": [\#(dead.deliveryId)]}"#, authorization: admin, admin: true)
            #expect(try JSONParser.parse(replay.body)["replayed"] == 1)
            let delivered = try await harness.eventually { try harness.delivery(dead.deliveryId)?.state == .delivered }
            #expect(delivered)
            let journal = try Data(contentsOf: URL(fileURLWithPath: harness.journalPath))
            #expect(journal.range(of: Data(token.utf8)) == nil, "the journal never holds a secret")
        }
    }
}

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
