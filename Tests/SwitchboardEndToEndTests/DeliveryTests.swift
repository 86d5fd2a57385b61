import Foundation
import SwitchboardCore
import SwitchboardJournal
import SwitchboardSandbox
import Testing

let validEvent = #"{"name": "signup", "timestamp": 1700000000, "data": {"plan": "pro"}}"#
let eventPath = "/api/public/users-by-id/u1/events/"

@Suite(.serialized) struct DeliveryTests {
    @Test func wrongOrMissingKeyIsRejectedAndNothingIsForwarded() async throws {
        try await withHarness { harness in
            let wrong = try await harness.send(path: eventPath, body: validEvent, authorization: "Token not-a-key")
            #expect(wrong.status == 401)
            #expect(wrong.body == #"{"detail":"Invalid token."}"#)
            let missing = try await harness.send(path: eventPath, body: validEvent, authorization: nil)
            #expect(missing.status == 401)
            #expect(missing.body == #"{"detail":"Authentication credentials were not provided."}"#)
            let scheme = try await harness.send(path: eventPath, body: validEvent, authorization: "Bearer \(GatewayHarness.appKey)")
            #expect(scheme.status == 401)
            #expect(harness.flameup.requests.isEmpty)
            #expect(try harness.deliveries().isEmpty)
        }
    }

    @Test func secondKeyInTheListIsAccepted() async throws {
        try await withHarness { harness in
            let answer = try await harness.send(path: eventPath, body: validEvent, authorization: "Token other-key")
            #expect(answer.status == 200)
        }
    }

    @Test func answerIdsAreJournalIdsAndCreatedMeansFirstOfName() async throws {
        try await withHarness { harness in
            let first = try await harness.send(path: eventPath, body: validEvent)
            let second = try await harness.send(path: eventPath, body: validEvent)
            let other = try await harness.send(path: eventPath, body: #"{"name": "login", "timestamp": 1}"#)
            #expect(first.body == #"{"id":1,"created":true}"#)
            let keys = Set(harness.flameup.accepted.compactMap { $0.request.header("Idempotency-Key") })
            #expect(keys.count == 3, "each event has its own idempotency key")
            #expect(second.body == #"{"id":2,"created":false}"#)
            #expect(other.body == #"{"id":3,"created":true}"#)
        }
    }

    @Test func serverErrorsAreRetriedUntilDelivered() async throws {
        try await withHarness { harness in
            harness.flameup.script([MockFlameup.requestError(500, type: "internal_error", message: "boom"),
                                    MockFlameup.requestError(500, type: "internal_error", message: "boom")])
            let answer = try await harness.send(path: eventPath, body: validEvent)
            #expect(answer.status == 200, "a retryable failure still answers success: the event is journaled")
            let delivered = try await harness.eventually { try harness.deliveries([.delivered]).count == 1 }
            #expect(delivered)
            #expect(harness.flameup.requests.map(\.status) == [500, 500, 200])
            let keys = harness.flameup.requests.map { $0.request.header("Idempotency-Key") }
            #expect(keys[0] != nil && keys[0]!.hasPrefix("sb-"))
            #expect(Set(keys).count == 1, "every attempt of one delivery carries the same idempotency key")
            #expect(harness.flameup.duplicates == 0)
            #expect(try harness.deliveries([.delivered]).first?.attempts == 3)
            #expect(harness.flameup.accepted.count == 1)
        }
    }

    @Test func permanentRejectionIsDeadLetteredWithTheVendorsReason() async throws {
        try await withHarness { harness in
            harness.flameup.script([MockFlameup.validationError([("userId", "Unknown user")])])
            let answer = try await harness.send(path: eventPath, body: validEvent)
            #expect(answer.status == 400)
            #expect(answer.body == #"{"detail":"Rejected by Flameup: HTTP 422: Validation failed"}"#)
            let dead = try await harness.eventually { try harness.deliveries([.dead]).count == 1 }
            #expect(dead)
            let record = try #require(try harness.deliveries([.dead]).first)
            #expect(record.lastStatus == 422)
            #expect(record.lastError == "HTTP 422: Validation failed")
            #expect(record.attempts == 1)
            try await Task.sleep(for: .milliseconds(300))
            #expect(harness.flameup.requests.count == 1, "a dead letter is not retried")
        }
    }

    @Test func untrustedServerCertificateIsNotDeliveredAndRecordedAsTLSFailure() async throws {
        try await withHarness(caFile: fixture("tls/untrusted-ca.pem"), deadlineMs: 3_000) { harness in
            let answer = try await harness.send(path: eventPath, body: validEvent)
            #expect(answer.status == 200, "the event is safe in the journal")
            let failed = try await harness.eventually {
                try harness.deliveries([.pending]).first.map { $0.attempts >= 1 } ?? false
            }
            #expect(failed)
            let record = try #require(try harness.deliveries([.pending]).first)
            #expect(record.lastError?.hasPrefix("tls:") == true, "\(record.lastError ?? "nil")")
            #expect(record.lastStatus == nil)
            #expect(harness.flameup.requests.isEmpty, "no request may pass an unverified TLS connection")
        }
    }

    @Test func pendingDeliveriesAreDeliveredAfterARestart() async throws {
        try await withHarness(deadlineMs: 2_000) { harness in
            harness.flameup.script(Array(repeating: MockFlameup.requestError(503, type: "unavailable", message: "down"), count: 1_000))
            for user in ["u1", "u2", "u3"] {
                #expect(try await harness.send(path: "/api/public/users-by-id/\(user)/events/", body: validEvent).status == 200)
            }
            let retrying = try await harness.eventually { try harness.deliveries([.pending]).allSatisfy { $0.attempts >= 1 } }
            #expect(retrying)
            await harness.stopGateway()
            harness.flameup.reset()
            try await harness.startGateway()
            let delivered = try await harness.eventually { try harness.deliveries([.delivered]).count == 3 }
            #expect(delivered)
            #expect(harness.flameup.accepted.count == 3)
            #expect(try harness.deliveries([.pending, .dead]).isEmpty)
        }
    }

    @Test func queueModeAnswersOnceJournaledAndDeliversInTheBackground() async throws {
        try await withHarness(mode: "queue") { harness in
            let answer = try await harness.send(path: eventPath, body: validEvent)
            #expect(answer.status == 200)
            let delivered = await harness.eventually { harness.flameup.accepted.count == 1 }
            #expect(delivered)
        }
    }

    @Test func unknownPathAndWrongMethodGetUserComErrors() async throws {
        try await withHarness { harness in
            let get = try await harness.send(path: eventPath, body: "", method: "GET")
            #expect(get.status == 405)
            #expect(get.body == #"{"detail":"Method \"GET\" not allowed."}"#)
            let missing = try await harness.send(path: "/api/public/users/", body: validEvent)
            #expect(missing.status == 404)
            #expect(missing.body == #"{"detail":"Not found."}"#)
        }
    }

    @Test func failuresListShowsPendingAndDeadWithoutSecrets() async throws {
        try await withHarness(deadlineMs: 2_000) { harness in
            harness.flameup.script([MockFlameup.validationError([("event", "Bad")])]
                + Array(repeating: MockFlameup.requestError(503, type: "unavailable", message: "down"), count: 1_000))
            _ = try await harness.send(path: eventPath, body: validEvent)
            _ = try await harness.send(path: eventPath, body: validEvent)
            let both = try await harness.eventually {
                try harness.deliveries([.dead]).count == 1 && harness.deliveries([.pending]).first.map { $0.attempts >= 1 } == true
            }
            #expect(both)
            let text = try await SwitchboardCLI.run(["failures", "list", "--journal", harness.journalPath])
            #expect(text.contains("dead"))
            #expect(text.contains("pending"))
            #expect(text.contains("HTTP 422: Validation failed"))
            #expect(text.contains("HTTP 503: down"))
            #expect(!text.contains(GatewayHarness.token))
            #expect(!text.contains(GatewayHarness.appKey))
            let journal = try Data(contentsOf: URL(fileURLWithPath: harness.journalPath))
            #expect(journal.range(of: Data(GatewayHarness.token.utf8)) == nil, "the journal never holds a secret")
            #expect(journal.range(of: Data(GatewayHarness.appKey.utf8)) == nil)
        }
    }
}

@Suite(.serialized) struct LimitTests {
    @Test func aBodyOverTheLimitGets413AndNothingIsForwarded() async throws {
        try await withHarness { harness in
            let big = #"{"name": "x", "data": {"blob": ""# + String(repeating: "a", count: 1_100_000) + #""}}"#
            let answer = try await harness.send(path: eventPath, body: big)
            #expect(answer.status == 413)
            #expect(answer.body == #"{"detail":"Request body larger than 1048576 bytes."}"#)
            #expect(harness.flameup.requests.isEmpty)
            #expect(try harness.deliveries().isEmpty)
        }
    }
}

@Suite(.serialized) struct ReplayTests {
    @Test func aDeadLetterIsShownAndReplayedFromTheCommandLine() async throws {
        try await withHarness { harness in
            harness.flameup.script([MockFlameup.validationError([("event", "Unknown event")])])
            #expect(try await harness.send(path: eventPath, body: validEvent).status == 400)
            let dead = await harness.eventually { (try? harness.deliveries([.dead]).count) == 1 }
            #expect(dead)
            let id = try #require(try harness.deliveries([.dead]).first?.deliveryId)
            let shown = try await SwitchboardCLI.run(["failures", "show", "\(id)", "--journal", harness.journalPath])
            #expect(shown.contains("state:         dead"))
            #expect(shown.contains("last error:    HTTP 422: Validation failed"))
            #expect(!shown.contains(GatewayHarness.token))
            let replayed = try await SwitchboardCLI.run(["failures", "replay", "--all-dead", "--journal", harness.journalPath])
            #expect(replayed.contains("1 of 1 deliveries will be attempted again"))
            let delivered = await harness.eventually { (try? harness.deliveries([.delivered]).count) == 1 }
            #expect(delivered)
            #expect(harness.flameup.accepted.count == 1)
            #expect(try harness.deliveries([.delivered]).first?.attempts == 2)
            let again = try await SwitchboardCLI.run(["failures", "replay", "\(id)", "--journal", harness.journalPath])
            #expect(again.contains("0 of 1 deliveries"), "a delivered event is never sent again")
        }
    }
}

@Suite(.serialized) struct RetryAfterEndToEndTests {
    @Test func nothingIsSentToATargetInsideItsRetryAfter() async throws {
        try await withHarness { harness in
            harness.flameup.script([MockResponse(
                status: 429, headers: [("Retry-After", "2")],
                json: #"{"error": "Rate limit exceeded", "message": "Too many requests. Please try again later."}"#)])
            #expect(try await harness.send(path: eventPath, body: validEvent).status == 200, "queued, not lost")
            #expect(try await harness.send(path: eventPath, body: validEvent).status == 200)
            #expect(try await harness.send(path: eventPath, body: validEvent).status == 200)
            let delivered = await harness.eventually { (try? harness.deliveries([.delivered]).count) == 3 }
            #expect(delivered)
            let requests = harness.flameup.requests
            let limited = try #require(requests.first)
            #expect(limited.status == 429)
            for later in requests.dropFirst() {
                #expect(later.at.timeIntervalSince(limited.at) >= 2.0,
                        "a request came \(later.at.timeIntervalSince(limited.at)) s after the 429 with Retry-After: 2")
            }
            #expect(requests.count == 4, "the two events that arrived during the pause were held back, not sent")
        }
    }
}
