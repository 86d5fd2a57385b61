import SwitchboardCore
import Testing

@Suite struct InstantTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (1_700_000_000, "2023-11-14T22:13:20Z"), (951_782_400, "2000-02-29T00:00:00Z"),
        (4_102_444_800, "2100-01-01T00:00:00Z"), (1_426_967_129, "2015-03-21T19:45:29Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"), (-1, "1969-12-31T23:59:59Z"),
    ])
    func formatsUTCSeconds(_ seconds: Int64, _ text: String) {
        #expect(Instant(seconds: seconds).rfc3339() == text)
        #expect(Instant(rfc3339: text) == Instant(seconds: seconds))
    }

    @Test(arguments: [
        (Int64(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT"), (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func formatsAndReadsHTTPDates(_ seconds: Int64, _ text: String) {
        #expect(Instant(seconds: seconds).httpDate() == text)
        #expect(Instant(httpDate: text) == Instant(seconds: seconds))
    }

    @Test(arguments: ["Sun, 06 Nov 1994 08:49:37 UTC", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                      "Sun, -6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT"])
    func refusesWhatIsNotAnIMFFixdate(_ text: String) {
        #expect(Instant(httpDate: text) == nil)
    }

    @Test func formatsFractionsAtTheChosenPrecision() {
        let instant = Instant(seconds: 1_700_000_000, nanoseconds: 123_456_789)
        #expect(instant.rfc3339(precision: .seconds) == "2023-11-14T22:13:20Z")
        #expect(instant.rfc3339(precision: .milliseconds) == "2023-11-14T22:13:20.123Z")
        #expect(instant.rfc3339(precision: .microseconds) == "2023-11-14T22:13:20.123456Z")
        #expect(instant.rfc3339(precision: .nanoseconds) == "2023-11-14T22:13:20.123456789Z")
        #expect(instant.rfc3339(precision: .auto) == "2023-11-14T22:13:20.123456789Z")
        #expect(Instant(seconds: 5, nanoseconds: 500_000_000).rfc3339(precision: .auto) == "1970-01-01T00:00:05.500Z")
        #expect(Instant(seconds: 5).rfc3339(precision: .auto) == "1970-01-01T00:00:05Z")
    }

    @Test func parsesZonesAndFractions() {
        #expect(Instant(rfc3339: "2024-12-25T12:00:00+02:00") == Instant(rfc3339: "2024-12-25T10:00:00Z"))
        #expect(Instant(rfc3339: "2024-12-25t10:00:00.5z") == Instant(seconds: 1_735_120_800, nanoseconds: 500_000_000))
        #expect(Instant(rfc3339: "2024-12-25 10:00:00-00:30")?.rfc3339() == "2024-12-25T10:30:00Z")
    }

    @Test(arguments: ["2024-12-25T10:00:00", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-12-25T24:00:00Z",
                      "2024-12-25", "2024-12-25T10:00:00.Z", "2024-13-01T00:00:00Z", "2024-12-25T10:00:00+0200", ""])
    func rejectsWhatIsNotAnRFC3339Time(_ text: String) {
        #expect(Instant(rfc3339: text) == nil)
    }

    @Test func millisecondsRoundTrip() {
        #expect(Instant(milliseconds: 1_700_000_000_123) == Instant(seconds: 1_700_000_000, nanoseconds: 123_000_000))
        #expect(Instant(milliseconds: 1_700_000_000_123).milliseconds == 1_700_000_000_123)
        #expect(Instant(milliseconds: -1) == Instant(seconds: -1, nanoseconds: 999_000_000))
    }
}
