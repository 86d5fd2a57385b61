import SwitchboardCore
import SwitchboardDelivery
import Testing

@Suite struct ClassifierTests {
    func result(_ status: Int?, curl: Int = 0) -> TransportResult {
        TransportResult(status: status, body: [], curlCode: curl, curlError: curl == 0 ? nil : "failure")
    }

    @Test(arguments: [200, 201, 204, 299])
    func successIsDelivered(_ status: Int) {
        #expect(Classifier.classify(result(status)) == .delivered)
    }

    @Test(arguments: [408, 425, 429, 500, 502, 503, 504, 599])
    func transientStatusesAreRetried(_ status: Int) {
        #expect(Classifier.classify(result(status), vendorReason: "slow") == .retry("HTTP \(status): slow"))
    }

    @Test(arguments: [301, 400, 401, 403, 404, 409, 422, 501, 505])
    func otherStatusesAreDeadLettered(_ status: Int) {
        #expect(Classifier.classify(result(status)) == .deadLetter("HTTP \(status)"))
    }

    @Test func transportFailuresAreRetriedAndNamed() {
        #expect(Classifier.classify(result(nil, curl: 7)) == .retry("network: failure (curl 7)"))
        #expect(Classifier.classify(result(nil, curl: 28)) == .retry("network: failure (curl 28)"))
        #expect(Classifier.classify(result(nil, curl: 60)) == .retry("tls: failure (curl 60)"))
        #expect(Classifier.classify(result(nil, curl: 35)) == .retry("tls: failure (curl 35)"))
        #expect(Classifier.classify(result(nil, curl: 3)) == .deadLetter("config: failure (curl 3)"))
    }
}

@Suite struct BackoffTests {
    let backoff = Backoff(baseMilliseconds: 1_000, capMilliseconds: 300_000)

    @Test func doublesWithEqualJitterUpToTheCap() {
        #expect(backoff.delayMilliseconds(afterAttempt: 1, random: { 0 }) == 500)
        #expect(backoff.delayMilliseconds(afterAttempt: 1, random: { 1 }) == 1_000)
        #expect(backoff.delayMilliseconds(afterAttempt: 4, random: { 0 }) == 4_000)
        #expect(backoff.delayMilliseconds(afterAttempt: 4, random: { 1 }) == 8_000)
        #expect(backoff.delayMilliseconds(afterAttempt: 20, random: { 1 }) == 300_000)
        #expect(backoff.delayMilliseconds(afterAttempt: 200, random: { 0 }) == 150_000)
    }
}

@Suite struct RetryAfterTests {
    let now = Instant(rfc3339: "2026-11-23T10:00:00Z")!

    @Test func readsSecondsAndHTTPDatesWithACap() {
        #expect(RetryAfter.milliseconds("120", now: now, capMilliseconds: 3_600_000) == 120_000)
        #expect(RetryAfter.milliseconds(" 0 ", now: now, capMilliseconds: 3_600_000) == 0)
        #expect(RetryAfter.milliseconds("Mon, 23 Nov 2026 10:00:30 GMT", now: now, capMilliseconds: 3_600_000) == 30_000)
        #expect(RetryAfter.milliseconds("Mon, 23 Nov 2026 09:00:00 GMT", now: now, capMilliseconds: 3_600_000) == 0)
        #expect(RetryAfter.milliseconds("999999", now: now, capMilliseconds: 60_000) == 60_000)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Mon, 23 Nov 2026 10:00:30", "23 Nov 2026 10:00:30 GMT"])
    func ignoresAnythingElse(_ text: String) {
        #expect(RetryAfter.milliseconds(text, now: now, capMilliseconds: 3_600_000) == nil)
    }
}
