import Foundation
import SwitchboardCore

/// A strict stand-in for Flameup's Track event endpoint
/// (`POST /api/v1/workspaces/{workspaceId}/events`).
///
/// It checks what the real API checks — the Bearer key, the workspace, a JSON content type, a
/// JSON object body with `userId` (string, 1–255 characters) and `event` (non-empty string),
/// `properties` an object and `timestamp` an ISO-8601 date-time when present — and answers with
/// Flameup's own success and error bodies. Tests can script the next answers.
public final class MockFlameup: @unchecked Sendable {
    /// One request that reached the mock, with the verdict it got.
    public struct Received: Sendable {
        public let request: MockRequest
        public let status: Int
        /// When the request arrived.
        public let at: Date
        public var body: [UInt8] { request.body }
        public var bodyText: String { String(decoding: request.body, as: UTF8.self) }
    }

    public let token: String
    public let workspace: String
    private let lock = NSLock()
    private var received: [Received] = []
    private var scripted: [MockResponse] = []
    private var scriptedByUser: [String: [MockResponse]] = [:]
    private var outage: MockResponse?
    private var counter = 0

    public init(token: String, workspace: String) {
        self.token = token
        self.workspace = workspace
    }

    /// Everything received so far, oldest first.
    public var requests: [Received] { lock.withLock { received } }

    /// The requests that were accepted (2xx).
    public var accepted: [Received] { requests.filter { (200..<300).contains($0.status) } }

    /// Accepted requests whose `Idempotency-Key` an earlier accepted request already had: events
    /// delivered twice (e.g. sent again after a crash).
    public var duplicates: Int {
        var seen: Set<String> = []
        var count = 0
        for request in accepted {
            guard let key = request.request.header("Idempotency-Key") else { continue }
            if !seen.insert(key).inserted { count += 1 }
        }
        return count
    }

    /// Answers the next requests to the events endpoint with these, in order, before going back
    /// to normal validation.
    public func script(_ responses: [MockResponse]) {
        lock.withLock { scripted += responses }
    }

    /// Answers every request with `response` until called again with nil (the vendor is down);
    /// what was received so far is kept.
    public func failAll(with response: MockResponse?) {
        lock.withLock { outage = response }
    }

    /// Answers the next requests for events of `userId` with these, in order.
    public func script(userId: String, _ responses: [MockResponse]) {
        lock.withLock { scriptedByUser[userId, default: []] += responses }
    }

    public func reset() {
        lock.withLock {
            received.removeAll()
            scripted.removeAll()
            scriptedByUser.removeAll()
        }
    }

    public func handle(_ request: MockRequest) -> MockResponse {
        let response = answer(request)
        lock.withLock { received.append(Received(request: request, status: response.status, at: Date())) }
        return response
    }

    private func answer(_ request: MockRequest) -> MockResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].isEmpty, parts[1] == "api", parts[2] == "v1", parts[3] == "workspaces",
            parts[5] == "events"
        else { return Self.error(404, code: "not_found", message: "Not found") }
        guard request.method == "POST" else { return Self.error(405, code: "method_not_allowed", message: "Method not allowed") }
        guard request.header("Authorization") == "Bearer \(token)" else {
            return Self.error(401, code: "unauthorized", message: "Invalid or missing API key")
        }
        guard parts[4] == workspace else { return Self.error(404, code: "not_found", message: "Workspace not found") }
        if let down = lock.withLock({ outage }) { return down }
        if let next = lock.withLock({ scripted.isEmpty ? nil : scripted.removeFirst() }) { return next }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            return Self.requestError(400, type: "invalid_request", message: "Content-Type must be application/json")
        }
        guard let body = try? JSONParser.parse(request.body), case .object(let object) = body else {
            return Self.requestError(400, type: "invalid_request", message: "Request body must be a JSON object")
        }
        var fields: [(String, String)] = []
        switch object["userId"] {
        case .string(let s) where !s.isEmpty && s.count <= 255: break
        case nil: fields.append(("userId", "Required"))
        default: fields.append(("userId", "Must be a string of 1 to 255 characters"))
        }
        switch object["event"] {
        case .string(let s) where !s.isEmpty: break
        case nil: fields.append(("event", "Required"))
        default: fields.append(("event", "Must be a non-empty string"))
        }
        if let properties = object["properties"], properties.objectValue == nil {
            fields.append(("properties", "Must be an object"))
        }
        if let timestamp = object["timestamp"], timestamp.stringValue.flatMap(Instant.init(rfc3339:)) == nil {
            fields.append(("timestamp", "Must be an ISO-8601 date-time"))
        }
        guard fields.isEmpty else { return Self.validationError(fields) }
        if let user = object["userId"]?.stringValue, let next = lock.withLock({ () -> MockResponse? in
            guard var queue = scriptedByUser[user], !queue.isEmpty else { return nil }
            let next = queue.removeFirst()
            scriptedByUser[user] = queue
            return next
        }) {
            return next
        }
        let id = lock.withLock { () -> Int in
            counter += 1
            return counter
        }
        return MockResponse(
            status: 200,
            headers: [("X-RateLimit-Limit", "120"), ("X-RateLimit-Remaining", "119"),
                      ("X-RateLimit-Reset", String(Int(Date().timeIntervalSince1970) + 60))],
            json: #"{"success":true,"event_id":"evt_\#(String(format: "%024x", id))"}"#)
    }

    /// Flameup's `{"error": {"code", "message"}}` shape.
    public static func error(_ status: Int, code: String, message: String) -> MockResponse {
        MockResponse(status: status, json: #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#)
    }

    /// Flameup's `{"success": false, "error": {"type", "message"}, "request_id"}` shape.
    public static func requestError(_ status: Int, type: String, message: String) -> MockResponse {
        MockResponse(status: status, json: #"{"success":false,"error":{"type":"\#(type)","message":"\#(message)"},"request_id":"req_\#(UUID().uuidString.lowercased())"}"#)
    }

    /// Flameup's 422 validation error with `details.fields`.
    public static func validationError(_ fields: [(String, String)]) -> MockResponse {
        let details = JSONValue.object(JSONObject(fields.map { (key: $0.0, value: JSONValue.string($0.1)) }))
        let body: JSONValue = ["error": ["code": "validation_error", "message": "Validation failed",
                                         "details": ["fields": details]]]
        return MockResponse(status: 422, json: JSONWriter.string(body))
    }
}
