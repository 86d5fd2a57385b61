/// HTTP dates (RFC 9110's IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), in UTC, without Foundation.
extension Instant {
    static let httpWeekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let httpMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// This instant's whole second as an IMF-fixdate, the form a sender must use.
    public func httpDate() -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Instant.civil(fromDays: days)
        let weekday = Int((days % 7 + 7 + 4) % 7)  // 1970-01-01 was a Thursday
        return "\(Self.httpWeekdays[weekday]), \(Self.padded(day, 2)) \(Self.httpMonths[Int(month - 1)]) \(Self.padded(year, 4)) "
            + "\(Self.padded(secondOfDay / 3600, 2)):\(Self.padded(secondOfDay / 60 % 60, 2)):\(Self.padded(secondOfDay % 60, 2)) GMT"
    }

    /// Reads an IMF-fixdate (the weekday is not checked); nil for anything else.
    public init?(httpDate text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int64(parts[1]), let monthIndex = Self.httpMonths.firstIndex(of: String(parts[2])),
            let year = Int64(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let h = Int64(clock[0]), let m = Int64(clock[1]), let s = Int64(clock[2]),
            [day, year, h, m, s].allSatisfy({ $0 >= 0 })
        else { return nil }
        let text = "\(Self.padded(year, 4))-\(Self.padded(Int64(monthIndex + 1), 2))-\(Self.padded(day, 2))T"
            + "\(Self.padded(h, 2)):\(Self.padded(m, 2)):\(Self.padded(s, 2))Z"
        self.init(rfc3339: text)
    }

    /// `n` (not negative) in at least `width` digits.
    private static func padded(_ n: Int64, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
