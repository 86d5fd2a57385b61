import Foundation
import SwitchboardCore

/// A strict stand-in for Vibetrace's API v1: `PUT /v1/user/{id}?upsert=true` and
/// `POST /v1/event/`.
///
/// It checks the bare key in `Authorization`, that both `user` (with `email` or `_id`) and
/// `event` (an object naming one event) are sent, and that the user exists — an event for an
/// unknown user is refused, as Vibetrace's page says — and answers with Vibetrace's
/// `{"results": …}` and `{"errors": [{message, description}]}` bodies. Paths are case sensitive.
public final class MockVibetrace: MockVendor, @unchecked Sendable {
    public let key: String
    /// Known users by `_id` and by email.
    private var users: Set<String> = []

    public init(key: String) {
        self.key = key
    }

    /// Whether a user with this `_id` or email exists.
    public func hasUser(_ id: String) -> Bool { lock.withLock { users.contains(id) } }

    override public func answer(_ request: MockRequest) -> MockResponse {
        let upsert = request.path.hasPrefix("/v1/user/") && request.path.count > "/v1/user/".count
        guard upsert || request.path == "/v1/event/" else { return Self.error(404, "Not found", "No such endpoint") }
        guard request.header("Authorization") == key else { return Self.error(401, "Unauthorized", "Invalid or missing API key") }
        if let next = scriptedAnswer() { return next }
        guard let object = Self.jsonObject(request) else {
            return Self.error(400, "Invalid request", "The body must be a JSON object")
        }
        if upsert {
            guard request.method == "PUT", request.uri.hasSuffix("?upsert=true") else {
                return Self.error(405, "Method not allowed", "Use PUT /v1/user/{id}?upsert=true")
            }
            let id = String(request.path.dropFirst("/v1/user/".count)).removingPercentEncoding ?? ""
            guard object["_id"]?.stringValue == id || object["email"]?.stringValue == id else {
                return Self.error(400, "Invalid user information", "The user in the path and in the body differ")
            }
            lock.withLock {
                users.insert(id)
                if let email = object["email"]?.stringValue { users.insert(email) }
            }
            return MockResponse(status: 200, json: #"{"results":{"message":"User updated","email":"User was created or updated"}}"#)
        }
        guard request.method == "POST" else { return Self.error(405, "Method not allowed", "Use POST /v1/event/") }
        guard case .object(let user)? = object["user"], let identity = user["_id"]?.stringValue ?? user["email"]?.stringValue else {
            return Self.error(400, "Missing user information", "Please send the user (email or _id) along with the event")
        }
        guard case .object(let event)? = object["event"], event.count == 1, event.members[0].value.objectValue != nil else {
            return Self.error(400, "Missing event information", "Please send event information along with user")
        }
        if event.members[0].key == "generic", event.members[0].value["generic"]?["event_name"]?.stringValue == nil {
            return Self.error(400, "Missing event information", "A generic event needs generic.event_name")
        }
        guard hasUser(identity) else { return Self.error(404, "User not found", "The user must exist before its events are sent") }
        if let next = scriptedAnswer(userId: identity) { return next }
        return MockResponse(status: 200, json: #"{"results":{"message":"Event created","email":"Event was created for the specified user"}}"#)
    }

    /// Vibetrace's `{"errors": [{"message", "description"}]}`.
    public static func error(_ status: Int, _ message: String, _ description: String) -> MockResponse {
        MockResponse(status: status, json: JSONWriter.string(["errors": [["message": .string(message), "description": .string(description)]]]))
    }
}
