import Foundation
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
        guard let date = Instant(httpDate: trimmed) else { return nil }
        return min(max(date.milliseconds - now.milliseconds, 0), capMilliseconds)
    }
}
