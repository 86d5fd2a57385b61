import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import SwitchboardSandbox
import Testing

/// A route with one primary and shadow targets (a migration's dual-write): the app's answer
/// follows the primary, the shadows are delivered in the background and their outcomes journaled.
@Suite(.serialized) struct ShadowTests {
    static let config = """
        {
          "listen": "127.0.0.1:0", "mappings": "\(repositoryRoot)/mappings", "journal": { "path": "DIR/journal.sqlite" },
          "delivery": { "backoffBaseMs": 50, "backoffCapMs": 200, "pollIntervalMs": 20 },
          "targets": {
            "flameup": { "provider": "flameup", "rateLimit": "none" },
            "gainsightpx": { "provider": "gainsightpx" },
            "vibetrace": { "provider": "vibetrace" }
          },
          "routes": [
            { "name": "dual-write", "from": "usercom", "to": "flameup", "shadows": ["gainsightpx", "vibetrace"],
              "keys": { "env": "UNUSED" }, "mode": "forward", "deadlineMs": 2000 }
          ]
        }
        """

    func deliveries(_ sandbox: SandboxHarness) throws -> [String: DeliveryState] {
        Dictionary(try sandbox.gateway.journal.deliveries(states: Set(DeliveryState.allCases), limit: 100).map { ($0.target, $0.state) },
                   uniquingKeysWith: { a, _ in a })
    }

    @Test func theAnswerFollowsThePrimaryAndEveryShadowIsDeliveredAndRecorded() async throws {
        try await withSandbox(config: Self.config) { sandbox in
            let answer = try await sandbox.send(as: "usercom", path: "/api/public/users-by-id/u1/events/",
                                                body: Array(#"{"name": "signup", "timestamp": 1426967129}"#.utf8))
            #expect(answer.status == 200)
            #expect(answer.body == #"{"id":1,"created":true}"#)
            #expect(try await sandbox.eventually {
                try deliveries(sandbox) == ["flameup": .delivered, "gainsightpx": .delivered, "vibetrace": .delivered]
            })
            #expect(sandbox.vendors.flameup.accepted.count == 1)
            #expect(sandbox.vendors.gainsightpx.accepted.count == 1)
            #expect(sandbox.vendors.vibetrace.accepted.count == 2, "the user's upsert, then the event")
        }
    }

    @Test func aFailingShadowDoesNotChangeTheAnswerAndIsDeadLetteredWithItsReason() async throws {
        try await withSandbox(config: Self.config) { sandbox in
            sandbox.vendors.gainsightpx.script([MockGainsightPX.error(400, "Bad Request", "attribute limit exceeded")])
            sandbox.vendors.flameup.script([MockFlameup.validationError([("event", "Reserved name")])])
            let answer = try await sandbox.send(as: "usercom", path: "/api/public/users-by-id/u1/events/",
                                                body: Array(#"{"name": "signup"}"#.utf8))
            #expect(answer.status == 400, "the primary refused it for good")
            #expect(answer.body == #"{"detail":"Rejected by Flameup: HTTP 422: Validation failed"}"#)
            #expect(try await sandbox.eventually {
                try deliveries(sandbox) == ["flameup": .dead, "gainsightpx": .dead, "vibetrace": .delivered]
            })
            let shadow = try #require(try sandbox.gateway.journal.deliveries(states: [.dead], limit: 10).first { $0.target == "gainsightpx" })
            #expect(shadow.lastError == "HTTP 400: attribute limit exceeded")
        }
    }
}
