import Foundation
import SwitchboardCore
import SwitchboardSandbox
import Testing

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
