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
        // 60 s + 1 % + 100 ms over 120 requests: 506 ms apart.
        #expect(slots == [0, 506, 1012, 1518])
        // After a quiet spell the next request goes at once, with no banked burst.
        #expect(pacer.reserve(now: Instant(milliseconds: 2_000_000)) == Instant(milliseconds: 2_000_000))
        #expect(pacer.reserve(now: Instant(milliseconds: 2_000_000)) == Instant(milliseconds: 2_000_506))
    }

    @Test func noWindowHoldsMoreThanTheLimitEvenWhenSendsComeLate() {
        // 3 per second, counted over 1.11 s.
        var pacer = RatePacer(RateLimit(requests: 3, perSeconds: 1))
        #expect(pacer.admit(now: Instant(milliseconds: 10_000)) == nil)
        #expect(pacer.admit(now: Instant(milliseconds: 10_100)) == nil)
        #expect(pacer.admit(now: Instant(milliseconds: 10_900)) == nil)
        // A fourth waits until the first has left the window.
        #expect(pacer.admit(now: Instant(milliseconds: 11_050)) == Instant(milliseconds: 11_110))
        #expect(pacer.admit(now: Instant(milliseconds: 11_110)) == nil)
        // Two at once (a prerequisite and its request) need room for both.
        #expect(pacer.admit(now: Instant(milliseconds: 11_150), count: 2) == Instant(milliseconds: 12_010))
        #expect(pacer.admit(now: Instant(milliseconds: 12_010), count: 2) == nil)
    }
}
