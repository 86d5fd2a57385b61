/// RFC 3339 / ISO-8601 text for instants, in UTC, without Foundation.
extension Instant {
    /// How many digits of the second's fraction to write.
    public enum FractionPrecision: String, Sendable, CaseIterable {
        case seconds, milliseconds, microseconds, nanoseconds
        /// As many digits as needed: none for a whole second, else 3, 6 or 9.
        case auto

        var digits: Int? {
            switch self {
            case .seconds: 0
            case .milliseconds: 3
            case .microseconds: 6
            case .nanoseconds: 9
            case .auto: nil
            }
        }
    }

    /// `2023-11-14T22:13:20Z`, with a fraction as `precision` asks (truncated, never rounded up).
    public func rfc3339(precision: FractionPrecision = .seconds) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Instant.civil(fromDays: days)
        let digits: Int
        if let fixed = precision.digits {
            digits = fixed
        } else if nanoseconds == 0 {
            digits = 0
        } else if nanoseconds % 1_000_000 == 0 {
            digits = 3
        } else if nanoseconds % 1000 == 0 {
            digits = 6
        } else {
            digits = 9
        }
        // Written right to left into a fixed buffer; every field has a fixed width.
        var divisor: Int64 = 1
        for _ in 0..<(9 - digits) { divisor *= 10 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 30) { out in
            let length = digits > 0 ? 21 + digits : 20
            var i = length - 1
            @inline(__always) func put(_ byte: UInt8) {
                out[i] = byte
                i -= 1
            }
            @inline(__always) func put(_ value: Int64, width: Int) {
                var v = value
                for _ in 0..<width {
                    out[i] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
                    v /= 10
                    i -= 1
                }
            }
            put(UInt8(ascii: "Z"))
            if digits > 0 {
                put(Int64(nanoseconds) / divisor, width: digits)
                put(UInt8(ascii: "."))
            }
            put(secondOfDay % 60, width: 2)
            put(UInt8(ascii: ":"))
            put(secondOfDay / 60 % 60, width: 2)
            put(UInt8(ascii: ":"))
            put(secondOfDay / 3600, width: 2)
            put(UInt8(ascii: "T"))
            put(day, width: 2)
            put(UInt8(ascii: "-"))
            put(month, width: 2)
            put(UInt8(ascii: "-"))
            put(year, width: 4)
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<length]), as: UTF8.self)
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; the zone is required, `t`/`z` and a space
    /// for `T` are accepted as RFC 3339 allows. Returns nil for anything else, including
    /// impossible dates such as February 30th or hour 24.
    public init?(rfc3339 text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ Instant.parseRFC3339($0) }) else { return nil }
        self = parsed
    }

    private static func parseRFC3339(_ utf8: UnsafeBufferPointer<UInt8>) -> Instant? {
        guard utf8.count >= 20 else { return nil }
        /// The byte at `i`, with `t` and `z` read as `T` and `Z`.
        func at(_ i: Int) -> UInt8 {
            let b = utf8[i]
            return b == UInt8(ascii: "t") || b == UInt8(ascii: "z") ? b - 32 : b
        }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard i < utf8.count, utf8[i] >= 48, utf8[i] <= 57 else { return nil }
                value = value * 10 + Int64(utf8[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), at(4) == UInt8(ascii: "-"),
            let month = number(5..<7), at(7) == UInt8(ascii: "-"),
            let day = number(8..<10), at(10) == UInt8(ascii: "T") || at(10) == UInt8(ascii: " "),
            let hour = number(11..<13), at(13) == UInt8(ascii: ":"),
            let minute = number(14..<16), at(16) == UInt8(ascii: ":"),
            let second = number(17..<19)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Instant.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < utf8.count, at(i) == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < utf8.count, utf8[i] >= 48, utf8[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(utf8[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        guard i < utf8.count else { return nil }
        var offset: Int64 = 0
        if at(i) == UInt8(ascii: "Z") {
            i += 1
        } else if utf8[i] == UInt8(ascii: "+") || utf8[i] == UInt8(ascii: "-") {
            let sign: Int64 = utf8[i] == UInt8(ascii: "+") ? 1 : -1
            guard let oh = number((i + 1)..<(i + 3)), i + 3 < utf8.count, utf8[i + 3] == UInt8(ascii: ":"),
                let om = number((i + 4)..<(i + 6)), oh < 24, om < 60
            else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == utf8.count else { return nil }
        let days = Instant.days(fromCivil: year, month, day)
        return Instant(seconds: days * 86_400 + hour * 3600 + minute * 60 + second - offset, nanoseconds: Int32(nanos))
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
