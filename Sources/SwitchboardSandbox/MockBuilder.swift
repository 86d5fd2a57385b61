import Foundation
import SwitchboardCore

/// A strict stand-in for a Builder SDK server's `POST /api/events/post`.
///
/// It verifies `instance-jwt` as an HS256 JWT signed with the shared secret whose `instanceId`
/// is the instance's, and that the body is `{"event_type": non-empty string, "content": object}`.
public final class MockBuilder: MockVendor, @unchecked Sendable {
    public let secret: String
    public let instanceId: String

    public init(secret: String, instanceId: String) {
        self.secret = secret
        self.instanceId = instanceId
    }

    override public func answer(_ request: MockRequest) -> MockResponse {
        guard request.path == "/api/events/post" else { return Self.error(404, "Not found") }
        guard request.method == "POST" else { return Self.error(405, "Method not allowed") }
        guard let token = request.header("instance-jwt") else { return Self.error(401, "Missing instance-jwt") }
        do {
            let claims = try JWT.verify(Substring(token), secrets: [Secret(secret)], now: Int64(Date().timeIntervalSince1970))
            guard claims["instanceId"]?.stringValue == instanceId else { return Self.error(403, "Unknown instance") }
        } catch {
            return Self.error(401, error.description)
        }
        if let next = scriptedAnswer() { return next }
        guard let object = Self.jsonObject(request) else { return Self.error(400, "The body must be a JSON object") }
        guard case .string(let type)? = object["event_type"], !type.isEmpty else { return Self.error(400, "event_type is required") }
        guard case .object(let content)? = object["content"] else { return Self.error(400, "content must be an object") }
        if let next = scriptedAnswer(userId: content["contactId"]?.stringValue) { return next }
        return MockResponse(status: 200, json: #"{"success":true,"id":"\#(nextNumber())"}"#)
    }

    public static func error(_ status: Int, _ message: String) -> MockResponse {
        MockResponse(status: status, json: JSONWriter.string(["success": false, "error": .string(message)]))
    }
}
