import SwitchboardCore
import SwitchboardDelivery
import Testing

@Suite struct CircuitBreakerTests {
    func at(_ ms: Int64) -> Instant { Instant(milliseconds: ms) }

    @Test func opensAfterTheThresholdOfOutagesInARow() {
        var breaker = CircuitBreaker(threshold: 3, openMilliseconds: 1_000)
        #expect(breaker.record(outage: true, now: at(0)) == false)
        #expect(breaker.record(outage: false, now: at(1)) == false, "a success resets the count")
        breaker.record(outage: true, now: at(2))
        breaker.record(outage: true, now: at(3))
        #expect(breaker.permit(now: at(4)) == .send)
        #expect(breaker.record(outage: true, now: at(5)) == true)
        #expect(breaker.permit(now: at(6)) == .wait(until: at(1_005)))
    }

    @Test func probesOnceWhenTheOpenPeriodEndsAndClosesOnSuccess() {
        var breaker = CircuitBreaker(threshold: 1, openMilliseconds: 1_000, probeWaitMilliseconds: 50)
        breaker.record(outage: true, now: at(0))
        #expect(breaker.permit(now: at(1_000)) == .probe)
        #expect(breaker.permit(now: at(1_001)) == .wait(until: at(1_051)), "one probe at a time")
        #expect(breaker.record(outage: false, now: at(1_010)) == true)
        #expect(breaker.isClosed)
        #expect(breaker.permit(now: at(1_011)) == .send)
    }

    @Test func aFailedProbeOpensItForTwiceAsLongUpToTheCap() {
        var breaker = CircuitBreaker(threshold: 1, openMilliseconds: 1_000, maxOpenMilliseconds: 3_000)
        breaker.record(outage: true, now: at(0))
        #expect(breaker.permit(now: at(1_000)) == .probe)
        breaker.record(outage: true, now: at(1_100))
        #expect(breaker.permit(now: at(2_000)) == .wait(until: at(3_100)))
        #expect(breaker.permit(now: at(3_100)) == .probe)
        breaker.record(outage: true, now: at(3_200))
        #expect(breaker.permit(now: at(3_300)) == .wait(until: at(6_200)), "4 s would pass the 3 s cap")
    }

    @Test(arguments: [
        (Verdict.retry("network: Connection refused (curl 7)"), nil as Int?, true),
        (.retry("tls: handshake failed (curl 35)"), nil, true),
        (.retry("HTTP 503"), 503, true),
        (.retry("HTTP 429"), 429, false),
        (.deadLetter("HTTP 422"), 422, false),
        (.delivered, 200, false),
        (.retry("paused"), nil, false),
    ])
    func countsOnlyOutagesOfTheTarget(_ verdict: Verdict, _ status: Int?, _ outage: Bool) {
        #expect(CircuitBreaker.isOutage(verdict, status: status) == outage)
    }
}
