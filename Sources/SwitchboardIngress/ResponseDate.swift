import Foundation
import NIOConcurrencyHelpers
import SwitchboardCore

/// The `Date` header of responses, formatted at most once a second.
enum ResponseDate {
    private static let cache = NIOLockedValueBox((second: Int(-1), text: ""))

    /// Now, as in `Tue, 01 Dec 2026 23:27:09 GMT`.
    static func now() -> String {
        let second = time(nil)
        return cache.withLockedValue { cached in
            if cached.second != second { cached = (second, Instant(seconds: Int64(second)).httpDate()) }
            return cached.text
        }
    }
}
