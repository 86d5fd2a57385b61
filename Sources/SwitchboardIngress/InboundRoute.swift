import SwitchboardCore
import SwitchboardDelivery
import SwitchboardMapping

/// A configured route: calls to one inbound vendor endpoint go to a primary target and any
/// number of shadow targets.
///
/// A class, not a struct: every request passes its route along (into the closures that run on
/// the journal's and the transport's threads), and a copy of the struct retained each of the
/// dozens of references inside the provider and endpoint it holds.
public final class InboundRoute: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Wait for the primary target up to the deadline and answer with its result; past the
        /// deadline, or on a retryable failure, answer success (the event is journaled) and keep trying.
        case forward
        /// Answer as soon as the event is journaled; deliver in the background.
        case queue
    }

    public let name: String
    public let provider: Provider
    public let endpoint: InboundEndpoint
    /// Accepted app keys; compared in constant time.
    public let keys: [Secret]
    /// nil only for an endpoint that lists events.
    public let primary: DeliveryTarget?
    public let shadows: [DeliveryTarget]
    public let mode: Mode
    public let deadline: Duration
    /// A path prefix the route's endpoint is served under (e.g. `/to-gainsight`), so that several
    /// routes from one vendor can share a listener; empty serves it at the vendor's own path.
    public let prefix: String
    /// The primary target, then the shadows (kept: every request reads them).
    public let targets: [DeliveryTarget]
    /// The targets' names, in the same order.
    public let targetNames: [String]

    public init(name: String, provider: Provider, endpoint: InboundEndpoint, keys: [Secret], primary: DeliveryTarget?,
                shadows: [DeliveryTarget], mode: Mode, deadline: Duration, prefix: String = "") {
        self.name = name
        self.provider = provider
        self.endpoint = endpoint
        self.keys = keys
        self.primary = primary
        self.shadows = shadows
        self.mode = mode
        self.deadline = deadline
        self.prefix = prefix
        targets = (primary.map { [$0] } ?? []) + shadows
        targetNames = targets.map(\.name)
    }

    /// True for an endpoint answered by listing journaled events (Builder's getEvents).
    public var listsEvents: Bool { endpoint.list != nil }

    /// The path parameters when `path` (still percent-encoded) is this route's endpoint, else nil.
    public func match(_ path: Substring) -> [(String, String)]? {
        guard !prefix.isEmpty else { return endpoint.path.match(path) }
        guard path.hasPrefix(prefix), path.dropFirst(prefix.count).first == "/" else { return nil }
        return endpoint.path.match(path.dropFirst(prefix.count))
    }
}

/// A request as the pipeline sees it, independent of the HTTP server.
public struct InboundRequest: Sendable {
    public var method: String
    /// The raw path, still percent-encoded, without the query.
    public var path: Substring
    public var query: Substring?
    public var header: @Sendable (String) -> String?
    public var body: [UInt8]
    /// The body was larger than the server reads; `body` is then empty.
    public var bodyTooLarge: Bool

    public init(method: String, path: Substring, query: Substring?, header: @escaping @Sendable (String) -> String?,
                body: [UInt8], bodyTooLarge: Bool = false) {
        self.method = method
        self.path = path
        self.query = query
        self.header = header
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }
}

/// What to answer the app.
public struct InboundAnswer: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// Seconds for a `Retry-After` header (the gateway is full and asks the app to come back).
    public var retryAfterSeconds: Int?

    public init(status: Int, body: [UInt8], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
    }
}
