import SwitchboardCore

/// Reads a `Retry-After` value: whole seconds (`120`) or an HTTP date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), as milliseconds from `now`, at most `capMilliseconds`.
/// Anything else is nil (ignored: the ordinary backoff applies).
public enum RetryAfter {
    public static func milliseconds(_ text: String, now: Instant, capMilliseconds: Int64) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed), seconds >= 0 {
            return min(seconds.multipliedReportingOverflow(by: 1000).overflow ? capMilliseconds : seconds * 1000, capMilliseconds)
        }
        guard let date = httpDate(trimmed) else { return nil }
        return min(max(date.milliseconds - now.milliseconds, 0), capMilliseconds)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate, the form RFC 9110 requires senders to use.
    static func httpDate(_ text: String) -> Instant? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int64(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])), let year = Int64(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let h = Int64(clock[0]), let m = Int64(clock[1]), let s = Int64(clock[2]) else { return nil }
        let text = String(format: "%04lld-%02d-%02lldT%02lld:%02lld:%02lldZ", year, monthIndex + 1, day, h, m, s)
        return Instant(rfc3339: text)
    }
}

import Foundation
