import SwitchboardCore

/// Which journaled events to list, oldest first: what a vendor's "get events" call asks for
/// (Builder's getEvents). Every filter is optional.
public struct EventQuery: Sendable, Equatable {
    /// Accepted at or after `since` and at or before `until`.
    public var since: Instant?
    public var until: Instant?
    public var userId: String?
    /// Only events accepted through this route.
    public var route: String?
    /// Event names; empty lists every name.
    public var names: [String] = []
    /// Members the canonical event's `context` must have, with these string values.
    public var context: [String: String] = [:]
    public var offset: Int = 0
    public var limit: Int = 50

    public init() {}

    /// True for a name of letters, digits and `_` only: one that may become part of a JSON path
    /// or an SQL identifier.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                true
            default: false
            }
        }
    }
}

/// One listed event.
public struct StoredEvent: Sendable, Equatable {
    public let id: Int64
    public let receivedAt: Instant
    /// The canonical event, JSON.
    public let canonical: [UInt8]
}

/// A page of events and how many match in all.
public struct EventPage: Sendable, Equatable {
    public let events: [StoredEvent]
    public let total: Int
}
