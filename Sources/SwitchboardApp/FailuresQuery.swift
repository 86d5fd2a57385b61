import SwitchboardCore
import SwitchboardJournal

/// Reads a ``DeliveryFilter`` from named text fields, as `failures list` options and the admin
/// API's query parameters give them: `state`, `event`, `target`, `user`, `since`, `until`, `limit`.
public enum FailuresQuery {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static let fields = ["state", "event", "target", "user", "since", "until", "limit"]

    /// - Parameter defaultStates: the states chosen when `state` is absent.
    public static func filter(_ values: [String: String], defaultStates: Set<DeliveryState> = [.pending, .dead])
        throws(Problem) -> DeliveryFilter
    {
        var filter = DeliveryFilter()
        for key in values.keys where !fields.contains(key) {
            throw Problem(description: "unknown filter '\(key)' (use \(fields.joined(separator: ", ")))")
        }
        filter.states = try values["state"].map(states) ?? defaultStates
        if let event = values["event"] {
            guard let id = Int64(event) else { throw Problem(description: "event must be an event id") }
            filter.eventId = id
        }
        filter.target = values["target"]
        filter.userId = values["user"]
        filter.since = try values["since"].map(time)
        filter.until = try values["until"].map(time)
        if let limit = values["limit"] {
            guard let n = Int(limit), n > 0 else { throw Problem(description: "limit must be a positive number") }
            filter.limit = n
        }
        return filter
    }

    static func states(_ text: String) throws(Problem) -> Set<DeliveryState> {
        switch text {
        case "pending": [.pending]
        case "dead": [.dead]
        case "delivered": [.delivered]
        case "skipped": [.skipped]
        case "failed": [.pending, .dead]
        case "all": Set(DeliveryState.allCases)
        default: throw Problem(description: "state must be pending, dead, delivered, skipped, failed or all")
        }
    }

    static func time(_ text: String) throws(Problem) -> Instant {
        guard let instant = Instant(rfc3339: text) else {
            throw Problem(description: "'\(text)' is not an RFC 3339 time with a zone, e.g. 2026-11-23T10:00:00Z")
        }
        return instant
    }
}

extension DeliveryRecord {
    /// The record as JSON for the admin API (no payload, no credentials).
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("delivery", .integer(deliveryId)), ("event", .integer(eventId)), ("route", .string(route)),
            ("target", .string(target)), ("eventName", eventName.map(JSONValue.string) ?? .null),
            ("userId", userId.map(JSONValue.string) ?? .null), ("received", .string(receivedAt.rfc3339(precision: .milliseconds))),
            ("state", .string(state.rawValue)), ("attempts", .integer(Int64(attempts))),
            ("nextAttempt", state == .pending ? nextAttemptAt.map { .string($0.rfc3339(precision: .milliseconds)) } ?? .null : .null),
            ("lastStatus", lastStatus.map { .integer(Int64($0)) } ?? .null), ("lastError", lastError.map(JSONValue.string) ?? .null),
            ("updated", .string(updatedAt.rfc3339(precision: .milliseconds))), ("vendorSaid", excerpt.map(JSONValue.string) ?? .null),
        ]
        if !history.isEmpty {
            members.append(("failedAttempts", .array(history.map { attempt in
                ["at": .string(attempt.at.rfc3339(precision: .milliseconds)),
                 "status": attempt.status.map { .integer(Int64($0)) } ?? .null, "error": attempt.error.map(JSONValue.string) ?? .null]
            })))
        }
        return .object(JSONObject(members))
    }
}
