import Foundation
import SwitchboardCore
import SwitchboardMapping

/// A configured destination: a vendor's outbound endpoint with its URL, settings and credential
/// resolved, ready to turn canonical events into requests.
public struct DeliveryTarget: Sendable {
    public let name: String
    public let provider: Provider
    public let endpoint: OutboundEndpoint
    public let url: String
    /// CAs to trust for this target instead of the system's.
    public let caFile: String?
    private let settings: JSONValue
    private let headers: [String]
    /// The credential values, to mask wherever a vendor's answer repeats them.
    private let credentials: [Secret]
    private let clock: any SwitchboardClock

    /// - Parameters:
    ///   - url: the full URL; nil builds it from `baseURL` (or the provider's) and the endpoint path.
    ///   - secrets: values for the provider's credential names; never logged.
    ///   - caFile: CAs to trust instead of the system's (TLS verification stays on).
    /// - Throws: ``ConfigProblems`` for a missing setting or secret.
    public init(
        name: String, provider: Provider, endpoint: OutboundEndpoint, url: String?, baseURL: String?,
        settings: [String: String], secrets: [String: Secret], caFile: String? = nil, clock: any SwitchboardClock,
        file: String
    ) throws(ConfigProblems) {
        var problems: [ConfigProblem] = []
        let required = provider.send?.settings ?? []
        for key in required where settings[key] == nil {
            problems.append(ConfigProblem(file: file, pointer: "/targets/\(name)/settings", message: "missing setting '\(key)' (\(provider.name) needs \(required.joined(separator: ", ")))"))
        }
        let settingsValue = JSONValue.object(JSONObject(settings.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }))
        var lines = endpoint.headers.map { "\($0.0): \($0.1)" }
        var credentials: [Secret] = []
        if let auth = endpoint.auth {
            if let secret = secrets[auth.secret] {
                credentials.append(secret)
                lines.append("\(auth.header): " + (auth.scheme.map { "\($0) " } ?? "") + secret.reveal())
            } else {
                problems.append(ConfigProblem(file: file, pointer: "/targets/\(name)/secrets", message: "missing secret '\(auth.secret)' for the \(auth.header) header"))
            }
        }
        var resolvedURL = url
        if resolvedURL == nil {
            let base = baseURL ?? provider.send?.baseURL
            var encoded = EvaluationContext()
            encoded.set("settings", .object(JSONObject(settings.map { (key: $0.key, value: JSONValue.string(PercentDecoding.encodeSegment($0.value))) })))
            if let base, let path = endpoint.path.renderText(in: encoded) {
                resolvedURL = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
            } else if base == nil {
                problems.append(ConfigProblem(file: file, pointer: "/targets/\(name)", message: "no baseURL or url, and \(provider.name) declares no default"))
            }
        }
        guard problems.isEmpty, let resolvedURL else { throw ConfigProblems(problems) }
        self.name = name
        self.provider = provider
        self.endpoint = endpoint
        self.url = resolvedURL
        self.caFile = caFile
        self.settings = settingsValue
        self.headers = lines
        self.credentials = credentials
        self.clock = clock
    }

    /// The request for one canonical event.
    /// - Throws: ``MappingError`` when the event lacks what the vendor requires.
    public func request(for event: JSONValue, trace: ExplainTrace? = nil) throws(MappingError) -> OutboundRequest {
        // A batch endpoint gets a list; the dispatcher sends one event per request for now.
        let root = endpoint.encode.batch ? ("events", JSONValue.array([event])) : ("event", event)
        var context = EvaluationContext(clock: clock, [root, ("settings", settings)])
        context.trace = trace
        let body = try endpoint.encode.apply(context)
        return OutboundRequest(method: endpoint.method, url: url, headers: headers, body: JSONWriter.bytes(.object(body)), caFile: caFile)
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
