import Foundation
import SwitchboardCore

/// A strict stand-in for Flameup's Track event endpoint
/// (`POST /api/v1/workspaces/{workspaceId}/events`).
///
/// It checks what the real API checks — the Bearer key, the workspace, a JSON content type, a
/// JSON object body with `userId` (string, 1–255 characters) and `event` (non-empty string),
/// `properties` an object and `timestamp` an ISO-8601 date-time when present — and answers with
/// Flameup's own success and error bodies. Tests can script the next answers.
public final class MockFlameup: MockVendor, @unchecked Sendable {
    public let token: String
    public let workspace: String
    /// Flameup's allowance per key (120 per 60 s); nil accepts any rate (for load tests).
    public let rateLimit: (requests: Int, seconds: Double)?
    /// When each request inside the current window arrived.
    private var window: [Date] = []

    public init(token: String, workspace: String, rateLimit: (requests: Int, seconds: Double)? = nil) {
        self.token = token
        self.workspace = workspace
        self.rateLimit = rateLimit
    }

    /// Requests answered 429 because they came faster than the rate limit.
    public var rateLimited: Int { requests.filter { $0.status == 429 }.count }

    /// Counts the request against the window; the rate-limit headers, or nil when over the limit.
    private func admit() -> [(String, String)]? {
        let now = Date()
        let limit = rateLimit ?? (120, 60)
        let (allowed, remaining, reset) = lock.withLock { () -> (Bool, Int, Int) in
            window.removeAll { now.timeIntervalSince($0) >= limit.seconds }
            let allowed = rateLimit == nil || window.count < limit.requests
            if allowed && rateLimit != nil { window.append(now) }
            let reset = (window.first ?? now).addingTimeInterval(limit.seconds).timeIntervalSince1970
            return (allowed, max(0, limit.requests - window.count), Int(reset.rounded(.up)))
        }
        let headers = [("X-RateLimit-Limit", String(limit.requests)), ("X-RateLimit-Remaining", String(remaining)),
                       ("X-RateLimit-Reset", String(reset))]
        return allowed ? headers : nil
    }

    override public func answer(_ request: MockRequest) -> MockResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].isEmpty, parts[1] == "api", parts[2] == "v1", parts[3] == "workspaces",
            parts[5] == "events"
        else { return Self.error(404, code: "not_found", message: "Not found") }
        guard request.method == "POST" else { return Self.error(405, code: "method_not_allowed", message: "Method not allowed") }
        guard request.header("Authorization") == "Bearer \(token)" else {
            return Self.error(401, code: "unauthorized", message: "Invalid or missing API key")
        }
        guard parts[4] == workspace else { return Self.error(404, code: "not_found", message: "Workspace not found") }
        if let next = scriptedAnswer() { return next }
        guard let rateHeaders = admit() else {
            return MockResponse(status: 429, headers: [("Retry-After", String(Int(rateLimit?.seconds ?? 60)))],
                                json: #"{"error":"Rate limit exceeded","message":"Too many requests. Please try again later."}"#)
        }
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
        if let next = scriptedAnswer(userId: object["userId"]?.stringValue) { return next }
        let id = nextNumber()
        return MockResponse(
            status: 200, headers: rateHeaders,
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
