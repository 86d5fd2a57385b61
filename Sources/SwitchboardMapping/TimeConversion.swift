import SwitchboardCore

/// Converts a time between explicitly named formats; the unit of a number is never guessed.
public struct TimeConversion: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// Whole seconds since 1970-01-01T00:00:00Z, as a non-negative JSON integer.
        case unixSeconds = "unix_seconds"
        /// Whole milliseconds since the epoch, as a non-negative JSON integer.
        case unixMilliseconds = "unix_milliseconds"
        /// RFC 3339 / ISO-8601 text with a zone (`Z` or `±HH:MM`); written in UTC.
        case rfc3339
    }

    public var from: Format
    public var to: Format
    /// Digits of the fraction when writing RFC 3339.
    public var precision: Instant.FractionPrecision

    public init(from: Format, to: Format, precision: Instant.FractionPrecision = .auto) {
        self.from = from
        self.to = to
        self.precision = precision
    }

    /// The converted value, or nil when `value` is not a time in the `from` format between the
    /// years 1970 and 9999 (``expectation`` says what was expected).
    public func apply(_ value: JSONValue) -> JSONValue? {
        guard let instant = read(value), instant.seconds >= 0, instant.seconds <= Instant.maxSeconds else { return nil }
        return write(instant)
    }

    /// What `apply` expects, phrased to follow a field name.
    public var expectation: String {
        switch from {
        case .unixSeconds: "must be a Unix time in whole seconds (a non-negative integer)"
        case .unixMilliseconds: "must be a Unix time in whole milliseconds (a non-negative integer)"
        case .rfc3339: "must be an ISO-8601 date-time with a zone between 1970 and 9999, e.g. 2024-12-25T10:00:00Z"
        }
    }

    private func read(_ value: JSONValue) -> Instant? {
        switch (from, value) {
        case (.unixSeconds, .number(let n)):
            guard let s = n.int64Value, s >= 0, s <= Instant.maxSeconds else { return nil }
            return Instant(seconds: s)
        case (.unixMilliseconds, .number(let n)):
            guard let ms = n.int64Value, ms >= 0, ms / 1000 <= Instant.maxSeconds else { return nil }
            return Instant(milliseconds: ms)
        case (.rfc3339, .string(let s)):
            return Instant(rfc3339: s)
        default:
            return nil
        }
    }

    private func write(_ instant: Instant) -> JSONValue {
        switch to {
        case .unixSeconds: .integer(instant.seconds)
        case .unixMilliseconds: .integer(instant.milliseconds)
        case .rfc3339: .string(instant.rfc3339(precision: precision))
        }
    }
}
