import Foundation
import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

/// A configured destination: a vendor's outbound endpoint with its URL, settings and credential
/// resolved, ready to turn canonical events into requests.
public final class DeliveryTarget: Sendable {
    public let name: String
    public let provider: Provider
    public let endpoint: OutboundEndpoint
    /// The endpoint's URL; for a path that reads the event, the part before the path.
    public let url: String
    /// CAs to trust for this target instead of the system's.
    public let caFile: String?
    /// The most requests sent per interval (nil: no limit).
    public let rateLimit: RateLimit?
    private let base: String
    private let settings: JSONValue
    /// The credential's header line (nil when the endpoint sends none); every endpoint of the
    /// target sends it after its own headers.
    private let authLine: String?
    /// The main endpoint's header lines, made once.
    private let headers: [String]
    /// Whether the main endpoint's URL is built per event.
    private let urlPerEvent: Bool
    /// Whether the main endpoint reads its prerequisite's answer (then it can only be built
    /// once that answer is there; otherwise it is built at intake too, so that bad input is
    /// refused before anything is sent).
    private let mainReadsPrior: Bool
    /// The credential values, to mask wherever a vendor's answer repeats them.
    private let credentials: [Secret]
    private let clock: any SwitchboardClock

    /// - Parameters:
    ///   - url: the full URL; nil builds it from `baseURL` (or the region's, or the provider's) and
    ///     the endpoint path.
    ///   - region: one of the provider's `regions`, whose base URL is used.
    ///   - secrets: values for the provider's credential names; never logged.
    ///   - caFile: CAs to trust instead of the system's (TLS verification stays on).
    ///   - rateLimit: overrides the provider's; `.some(nil)` sends without a limit.
    /// - Throws: ``ConfigProblems`` for a missing setting, secret or region.
    public init(
        name: String, provider: Provider, endpoint: OutboundEndpoint, url: String?, baseURL: String?, region: String? = nil,
        settings: [String: String], secrets: [String: Secret], caFile: String? = nil, rateLimit: RateLimit?? = nil,
        clock: any SwitchboardClock, file: String
    ) throws(ConfigProblems) {
        var problems: [ConfigProblem] = []
        let pointer = "/targets/\(name)"
        let required = provider.send?.settings ?? []
        for key in required where settings[key] == nil {
            problems.append(ConfigProblem(file: file, pointer: "\(pointer)/settings", message: "missing setting '\(key)' (\(provider.name) needs \(required.joined(separator: ", ")))"))
        }
        let settingsValue = JSONValue.object(JSONObject(settings.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }))
        var authLine: String?
        var credentials: [Secret] = []
        var plain = EvaluationContext()
        plain.set("settings", settingsValue)
        if let auth = endpoint.auth {
            if let secret = secrets[auth.secret] {
                credentials.append(secret)
                var value = secret.reveal()
                if let claims = auth.jwtClaims {
                    let rendered = claims.map { (key: $0.0, value: JSONValue.string($0.1.renderText(in: plain) ?? "")) }
                    let token = JWT.sign(JSONObject(rendered), secret: secret)
                    credentials.append(Secret(token))
                    value = token
                } else if auth.scheme?.lowercased() == "basic" {
                    // HTTP Basic with the key as the user name and no password.
                    value = Data((value + ":").utf8).base64EncodedString()
                    credentials.append(Secret(value))
                }
                authLine = "\(auth.header): " + (auth.scheme.map { "\($0) " } ?? "") + value
            } else {
                problems.append(ConfigProblem(file: file, pointer: "\(pointer)/secrets", message: "missing secret '\(auth.secret)' for the \(auth.header) header"))
            }
        }
        var chosenBase = baseURL ?? provider.send?.baseURL
        if let region, baseURL == nil {
            let regions = provider.send?.regions ?? [:]
            if let regional = regions[region] {
                chosenBase = regional
            } else {
                problems.append(ConfigProblem(file: file, pointer: "\(pointer)/region", message: "\(provider.name) has no region '\(region)' (regions: \(regions.keys.sorted().joined(separator: ", ")))"))
            }
        }
        var resolvedBase = ""
        var resolvedURL = url
        if let chosenBase {
            // A provider's base URL may read settings, e.g. https://{settings.appSubdomain}.user.com.
            if let template = try? Template(parsing: chosenBase), let text = template.renderText(in: plain, escaping: PercentDecoding.encodeSegment) {
                resolvedBase = text.hasSuffix("/") ? String(text.dropLast()) : text
            } else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "the base URL '\(chosenBase)' reads a setting that is not given"))
            }
        } else if url == nil {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "no baseURL or url, and \(provider.name) declares no default"))
        }
        if resolvedURL == nil, !endpoint.pathReadsEvent {
            resolvedURL = endpoint.path.renderText(in: plain, escaping: PercentDecoding.encodeSegment).map { resolvedBase + $0 }
        }
        guard problems.isEmpty else { throw ConfigProblems(problems) }
        self.name = name
        self.provider = provider
        self.endpoint = endpoint
        self.url = resolvedURL ?? resolvedBase
        self.base = resolvedBase
        self.caFile = caFile
        self.rateLimit = rateLimit ?? provider.send?.rateLimit
        self.settings = settingsValue
        self.authLine = authLine
        self.headers = Self.headerLines(endpoint, authLine)
        self.urlPerEvent = url == nil && endpoint.pathReadsEvent
        self.mainReadsPrior = endpoint.path.paths.contains { $0.root == "prior" }
            || (endpoint.encode?.reads(root: "prior") ?? false)
        self.credentials = credentials
        self.clock = clock
    }

    /// The request for one canonical event; for an endpoint with a prerequisite, the
    /// prerequisite's request, whose ``OutboundRequest/then`` builds this endpoint's.
    /// - Throws: ``MappingError`` when the event lacks what the vendor requires.
    public func request(for event: JSONValue, trace: ExplainTrace? = nil) throws(MappingError) -> OutboundRequest {
        guard let first = endpoint.before.flatMap({ provider.send?.endpoint($0) }) else {
            return try request(endpoint, for: event, prior: nil, trace: trace)
        }
        let main = endpoint
        if !mainReadsPrior { _ = try self.request(main, for: event, prior: nil, trace: trace) }
        var request = try self.request(first, for: event, prior: nil, trace: nil)
        request.then = OutboundRequest.FollowUp(step: first.name) { [self] (answer: [UInt8]) throws(MappingError) -> OutboundRequest in
            let prior = (try? JSONParser.parse(answer)) ?? .object(JSONObject())
            return try self.request(main, for: event, prior: prior, trace: nil)
        }
        return request
    }

    /// The request `endpoint` of this target's vendor makes for `event`.
    private func request(_ endpoint: OutboundEndpoint, for event: JSONValue, prior: JSONValue?, trace: ExplainTrace?)
        throws(MappingError) -> OutboundRequest
    {
        let batch = endpoint.encode?.batch ?? false
        // A batch endpoint gets a list; the dispatcher sends one event per request for now.
        let root = batch ? ("events", JSONValue.array([event])) : ("event", event)
        var context = EvaluationContext(clock: clock, [root, ("settings", settings)])
        if let prior { context.set("prior", prior) }
        context.trace = trace
        var url = self.url
        let isMain = endpoint.name == self.endpoint.name
        if !isMain || urlPerEvent {
            if batch { context.set("event", event) }
            guard let path = endpoint.path.renderText(in: context, escaping: PercentDecoding.encodeSegment) else {
                let missing = endpoint.path.paths.first { $0.resolve(in: context) == nil }
                throw MappingError(field: missing?.fieldName ?? "path", message: "is required in the URL")
            }
            url = base + path
        }
        let body = try endpoint.encode.map { mapping throws(MappingError) in JSONWriter.bytes(.object(try mapping.apply(context))) } ?? []
        return OutboundRequest(method: endpoint.method, url: url, headers: isMain ? headers : Self.headerLines(endpoint, authLine),
                               body: body, caFile: caFile)
    }

    private static func headerLines(_ endpoint: OutboundEndpoint, _ authLine: String?) -> [String] {
        endpoint.headers.map { "\($0.0): \($0.1)" } + (authLine.map { [$0] } ?? [])
    }

    /// Which of the vendor's rules leave `event` out: a rule that drops it, or throttles that
    /// the journal counts as it appends the event.
    public func gate(for event: JSONValue) -> DeliveryGate {
        var gate = DeliveryGate()
        for rule in provider.send?.rules ?? [] {
            let (applies, key) = rule.applies(to: event)
            guard applies else { continue }
            switch rule.action {
            case .drop:
                gate.skip = "rule: \(rule.name)"
                return gate
            case .throttle(_, let max, let window):
                guard let key else { continue }
                gate.throttles.append(DeliveryGate.Throttle(
                    scope: "\(name)/\(rule.name)", key: key, max: max, windowMilliseconds: window * 1000, reason: "rule: \(rule.name)"))
            }
        }
        return gate
    }

    /// The vendor's own error text from an error answer, shortened and with credentials masked,
    /// or nil.
    public func vendorReason(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if let json = try? JSONParser.parse(body) {
            let context = EvaluationContext([("body", json)])
            for path in provider.send?.errorMessage ?? [] {
                if let value = path.resolve(in: context) {
                    return Self.shorten(masked(value.stringValue ?? JSONWriter.string(value)))
                }
            }
        }
        return Self.shorten(masked(String(decoding: body.prefix(400), as: UTF8.self)))
    }

    /// The start of a vendor's answer for the journal: at most 300 bytes, credentials masked.
    public func excerpt(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        // Masked before it is cut, so a cut never leaves part of a credential behind.
        let text = masked(String(decoding: body.prefix(1_024), as: UTF8.self))
        return text.count > 300 || body.count > 1_024 ? String(text.prefix(300)) + "…" : text
    }

    /// `text` with every credential of this target replaced by `[redacted]`.
    private func masked(_ text: String) -> String {
        var text = text
        for credential in credentials where !credential.reveal().isEmpty {
            text = text.replacingOccurrences(of: credential.reveal(), with: "[redacted]")
        }
        return text
    }

    static func shorten(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}
