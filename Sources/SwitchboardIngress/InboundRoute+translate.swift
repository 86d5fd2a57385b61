import Foundation
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardMapping

/// What one inbound request becomes: one canonical event (several when the decode mapping
/// explodes a batch), each with a request per target (primary first).
public struct Translation: Sendable {
    public struct Event: Sendable {
        public let event: JSONObject
        public let requests: [OutboundRequest]
    }

    public let events: [Event]
    /// The first (usually only) event and its requests.
    public var event: JSONObject { events[0].event }
    public var requests: [OutboundRequest] { events[0].requests }
    /// With `explain`: how the decode mapping, then each target's encode mapping, made each field
    /// (of the first event).
    public let traces: [ExplainTrace]
}

extension InboundRoute {
    /// Checks the app's key against the accepted keys, in constant time; for a JWT, its signature
    /// against the accepted secrets. Returns the JWT's claims (empty for a plain key).
    @discardableResult
    public func authenticate(_ request: InboundRequest, now: Instant = SystemClock().now()) throws(IngressError) -> JSONObject {
        let auth = endpoint.auth
        guard let value = request.header(auth.header), !value.isEmpty else {
            throw IngressError(.unauthorized, "Authentication credentials were not provided.")
        }
        var key = Substring(value)
        if let scheme = auth.scheme {
            guard key.count > scheme.count, key.prefix(scheme.count).lowercased() == scheme.lowercased(),
                key.dropFirst(scheme.count).first == " "
            else { throw IngressError(.unauthorized, "Invalid token header. Expected \"\(scheme) <key>\".") }
            key = key.dropFirst(scheme.count + 1)
        }
        if auth.jwt {
            let claims: JSONObject
            do {
                claims = try JWT.verify(key, secrets: keys, now: now.seconds)
            } catch {
                throw IngressError(.unauthorized, error.description)
            }
            for claim in auth.requiredClaims where claims[claim] == nil {
                throw IngressError(.unauthorized, "The token has no \(claim) claim.")
            }
            return claims
        }
        var bytes = Array(key.utf8)
        if auth.scheme?.lowercased() == "basic" {
            // HTTP Basic with the key as the user name (Segment's and Mixpanel's write keys).
            guard let decoded = Data(base64Encoded: String(key)), let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
                throw IngressError(.unauthorized, "Invalid basic header. Credentials not correctly base64 encoded.")
            }
            bytes = Array(decoded[decoded.startIndex..<colon])
        }
        var matched = false
        for accepted in keys { matched = accepted.matches(bytes) || matched }
        guard matched else { throw IngressError(.unauthorized, "Invalid token.") }
        return JSONObject()
    }

    /// The JSON bytes of the request: decompressed, or taken from the form field the endpoint names.
    func jsonBody(_ request: InboundRequest) throws(IngressError) -> [UInt8] {
        guard request.body.count <= endpoint.maxBodyBytes, !request.bodyTooLarge else {
            throw IngressError(.tooLarge, "Request body larger than \(endpoint.maxBodyBytes) bytes.")
        }
        let body = try BodyDecoding.decompress(request.body, encoding: request.header("Content-Encoding"), limit: endpoint.maxBodyBytes)
        let type = request.header("Content-Type")?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else { return body }
        guard let field = endpoint.formField else {
            throw IngressError(.invalidJSON, "Form bodies are not accepted here; send application/json.")
        }
        return try BodyDecoding.formField(field, in: body)
    }

    /// Decodes the request into a canonical event and encodes it for every target. Sends nothing.
    /// - Parameters:
    ///   - parameters: the path parameters, from ``PathTemplate/match(_:)``.
    ///   - clock: where mappings read `now`.
    ///   - explain: record how every field was made (slower; for `switchboard explain`).
    /// - Throws: ``IngressError`` for a body that is too large, not JSON, or does not map.
    ///   - auth: what ``authenticate(_:now:)`` returned, readable as `auth`.
    public func translate(
        _ request: InboundRequest, parameters: [(String, String)], clock: any SwitchboardClock, explain: Bool = false,
        auth: JSONObject = JSONObject()
    ) throws(IngressError) -> Translation
    {
        guard let decode = endpoint.decode else {
            throw IngressError(.methodNotAllowed, "This endpoint lists events; it does not accept them.")
        }
        let bytes = try jsonBody(request)
        let body: JSONValue
        do {
            body = try JSONParser.parse(bytes)
        } catch let error as JSONParseError {
            throw IngressError(.invalidJSON, error.description)
        } catch {
            throw IngressError(.invalidJSON, "invalid body")
        }
        // A batch body may be an array when the decode mapping explodes the whole body.
        let arrayAllowed = decode.explodeFrom.contains { $0.description == "body" }
        switch body {
        case .object: break
        case .array where arrayAllowed: break
        default: throw IngressError(.invalidJSON, "Expected a JSON object, got \(body.typeName)")
        }
        let headers = JSONValue.strings(decode.headerNames.compactMap { name in request.header(name).map { (name, $0) } })
        var context = EvaluationContext(clock: clock, [("body", body), ("path", JSONValue.strings(parameters)), ("query", FormFields.query(of: request)),
                                                       ("auth", .object(auth)), ("headers", headers)])
        var traces: [ExplainTrace] = []
        if explain {
            context.trace = ExplainTrace()
            traces.append(context.trace!)
        }
        let decoded: [JSONObject]
        do {
            decoded = try decode.applyAll(context)
        } catch {
            throw IngressError(field: error)
        }
        var events: [Translation.Event] = []
        events.reserveCapacity(decoded.count)
        for (i, event) in decoded.enumerated() {
            var requests: [OutboundRequest] = []
            for target in targets {
                do {
                    let trace = explain && i == 0 ? ExplainTrace() : nil
                    requests.append(try target.request(for: .object(event), trace: trace))
                    if let trace { traces.append(trace) }
                } catch {
                    let problem = "\(error.message) (for \(target.provider.name))"
                    throw IngressError(.invalidField, "\(error.field) \(problem)", field: error.field, problem: problem)
                }
            }
            events.append(Translation.Event(event: event, requests: requests))
        }
        return Translation(events: events, traces: traces)
    }
}
