import SwitchboardCore

/// One vendor's wire protocol as data, compiled from `mappings/providers/<id>.json`: how an app
/// calls it (receive) and how Switchboard calls it (send).
public struct Provider: Sendable {
    public let id: String
    public let name: String
    public let file: String
    public let receive: [InboundEndpoint]
    public let errors: ErrorAnswers
    public let send: Outbound?
}

/// An endpoint Switchboard serves while standing in for the vendor.
public struct InboundEndpoint: Sendable {
    public let name: String
    public let method: String
    public let path: PathTemplate
    public let auth: InboundAuth
    public let maxBodyBytes: Int
    /// For an `application/x-www-form-urlencoded` body: the form field whose value is the JSON
    /// body. Without it, form bodies are refused.
    public let formField: String?
    /// Turns the request into canonical events; nil for an endpoint that lists events instead.
    public let decode: Mapping?
    /// Set for an endpoint that answers from the journal (e.g. Builder's getEvents) instead of
    /// accepting events.
    public let list: EventList?
    /// The success answer, evaluated over `answer.id`, `answer.eventId`, `answer.created`,
    /// `answer.status` — or, for a list, `answer.items`, `answer.total`, `answer.count`.
    public let answer: Answer
}

/// How an endpoint lists journaled events: the filters it reads from the request and how each
/// event is shown.
public struct EventList: Sendable {
    /// Evaluated over `query`, `path` and `auth`: an object with any of `since` and `until` (Unix
    /// milliseconds), `userId`, `events` (names), `context` (an object of strings the events'
    /// context must match), `offset` and `limit`.
    public let filters: Rule
    /// One event, evaluated over `event` (the canonical event), `id` and `receivedAt` (RFC 3339).
    public let item: Rule
    /// The most events one answer holds.
    public let maxLimit: Int
}

/// How the app authenticates: a header, optionally with a scheme word before the key
/// (`Authorization: Token <key>`), or holding an HS256 JWT signed with one of the keys. The
/// accepted keys (or JWT secrets) come from the config, never from here.
public struct InboundAuth: Sendable {
    public let header: String
    public let scheme: String?
    /// The header holds an HS256 JWT; its claims are readable as `auth.NAME` by the decode mapping.
    public let jwt: Bool
    /// Claims a JWT must carry.
    public let requiredClaims: [String]
}

/// A status and a body rule.
public struct Answer: Sendable {
    public let status: Int
    public let body: Rule
}

/// The vendor's error answers by kind, evaluated over `error.kind`, `error.status`,
/// `error.message`, `error.field` and `error.problem`.
public struct ErrorAnswers: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case invalidJSON, invalidField, unauthorized, notFound, methodNotAllowed, tooLarge, rejected,
            unavailable, internalError

        public var defaultStatus: Int {
            switch self {
            case .invalidJSON, .invalidField, .rejected: 400
            case .unauthorized: 401
            case .notFound: 404
            case .methodNotAllowed: 405
            case .tooLarge: 413
            case .unavailable: 503
            case .internalError: 500
            }
        }
    }

    let byKind: [String: Answer]
    let fallback: Rule

    /// The answer template for `kind`, or the provider's default body with the kind's status.
    public func answer(for kind: Kind) -> Answer {
        byKind[kind.rawValue] ?? Answer(status: kind.defaultStatus, body: fallback)
    }
}

/// How Switchboard sends to the vendor.
public struct Outbound: Sendable {
    /// Scheme, host and optional port, e.g. `https://api.flameup.ai`; a target may override it.
    public let baseURL: String?
    /// Names of the settings a target must give (e.g. `workspaceId`).
    public let settings: [String]
    public let endpoints: [OutboundEndpoint]
    /// Where the vendor puts its error text in an error answer, first present wins.
    public let errorMessage: [Path]
    /// Base URLs by region name (e.g. `eu`); a target picks one with `region`.
    public let regions: [String: String]
    /// The most requests the vendor allows per key; a target may set its own.
    public let rateLimit: RateLimit?
    /// What the vendor discards (duplicates, throttled or bot events), left out before sending.
    public let rules: [VendorRule]

    public func endpoint(_ name: String) -> OutboundEndpoint? {
        endpoints.first { $0.name == name }
    }
}

public struct OutboundEndpoint: Sendable {
    public let name: String
    public let method: String
    /// The path, with `{settings.NAME}` placeholders filled in and percent-encoded.
    public let path: Template
    public let headers: [(String, String)]
    public let auth: OutboundAuth?
    /// Builds the body; nil sends none (e.g. a `GET`).
    public let encode: Mapping?
    /// The vendor's request body, as the encode mapping is checked against it.
    public let request: RequestSchema?
    /// Another endpoint of the same vendor sent first for every event (e.g. create the user, look
    /// up an id); its answer body is readable as `prior` by this endpoint's path and mapping.
    public let before: String?
    /// Whether the path reads the event (so the URL differs per event).
    public var pathReadsEvent: Bool { path.paths.contains { $0.root != "settings" } }
}

/// A vendor's allowance: at most `requests` per `perSeconds`, as a bucket that refills evenly.
public struct RateLimit: Sendable, Equatable {
    public let requests: Int
    public let perSeconds: Int

    public init(requests: Int, perSeconds: Int) {
        self.requests = requests
        self.perSeconds = perSeconds
    }
}

/// The header that carries the vendor credential, taken from the target's secret `secret`.
public struct OutboundAuth: Sendable {
    public let header: String
    public let scheme: String?
    public let secret: String
    /// When set, the header holds an HS256 JWT with these claims (templates over `settings`),
    /// signed with the secret, instead of the secret itself.
    public let jwtClaims: [(String, Template)]?
}
