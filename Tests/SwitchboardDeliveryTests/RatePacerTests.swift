import SwitchboardCore
import SwitchboardDelivery
import SwitchboardMapping
import Testing

@Suite struct RatePacerTests {
    let limit = RateLimit(requests: 120, perSeconds: 60)

    @Test func aBurstIsGivenSlotsSpacedEvenly() {
        var pacer = RatePacer(limit)
        let now = Instant(milliseconds: 1_000_000)
        let slots = (0..<4).map { _ in pacer.reserve(now: now).milliseconds - now.milliseconds }
        // 60 s + 0.5 % + 5 ms over 120 requests: 502.5 ms apart.
        #expect(slots == [0, 503, 1006, 1508])
        #expect(abs(pacer.bookedAhead(now: now) - 4 * 60_305.0 / 120) < 0.001, "four slots booked")
        // After a quiet spell the next request goes at once, with no banked burst.
        #expect(pacer.reserve(now: Instant(milliseconds: 2_000_000)) == Instant(milliseconds: 2_000_000))
        #expect(pacer.reserve(now: Instant(milliseconds: 2_000_000)) == Instant(milliseconds: 2_000_503))
    }

    @Test func noWindowHoldsMoreThanTheLimitEvenWhenSendsComeLate() {
        // 3 per second, counted over 1.01 s.
        var pacer = RatePacer(RateLimit(requests: 3, perSeconds: 1))
        #expect(pacer.admit(now: Instant(milliseconds: 10_000)) == nil)
        #expect(pacer.admit(now: Instant(milliseconds: 10_100)) == nil)
        #expect(pacer.admit(now: Instant(milliseconds: 10_900)) == nil)
        // A fourth waits until the first has left the window.
        #expect(pacer.admit(now: Instant(milliseconds: 11_000)) == Instant(milliseconds: 11_010))
        #expect(pacer.admit(now: Instant(milliseconds: 11_010)) == nil)
        // Two at once (a prerequisite and its request) need room for both.
        #expect(pacer.admit(now: Instant(milliseconds: 11_050), count: 2) == Instant(milliseconds: 11_910))
        #expect(pacer.admit(now: Instant(milliseconds: 11_910), count: 2) == nil)
    }
}
