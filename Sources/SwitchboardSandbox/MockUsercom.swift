import Foundation
import SwitchboardCore

/// A strict stand-in for user.com's public REST API: `POST /api/public/users-by-id/{id}/events/`,
/// `POST /api/public/events/` (user.com's numeric `user_id`, which must exist) and
/// `GET /api/public/users/search/?email=…`.
///
/// It checks the `Token` key and the `Accept: */*; version=2` header user.com asks for, a JSON
/// object body with `name` (non-empty string), `timestamp` (integer) and `data` (object), and
/// answers as Django REST Framework does. `created` is true for the first event of a name.
public final class MockUsercom: MockVendor, @unchecked Sendable {
    public let key: String
    /// The app's users: email → user.com id (the search and `POST /events/` read it).
    private var users: [String: Int] = [:]
    private var names: Set<String> = []

    public init(key: String) {
        self.key = key
    }

    /// Adds a user that `users/search` finds.
    public func addUser(email: String, id: Int) {
        lock.withLock { users[email] = id }
    }

    override public func answer(_ request: MockRequest) -> MockResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let byId = parts.count == 7 && parts[1...3] == ["api", "public", "users-by-id"] && parts[5] == "events" && parts[6].isEmpty
        let byUserId = request.path == "/api/public/events/"
        let search = request.path == "/api/public/users/search/"
        guard byId || byUserId || search else { return Self.detail(404, "Not found.") }
        guard let auth = request.header("Authorization") else {
            return Self.detail(401, "Authentication credentials were not provided.")
        }
        guard auth == "Token \(key)" else { return Self.detail(401, "Invalid token.") }
        guard request.header("Accept")?.contains("version=2") == true else {
            return Self.detail(406, "Could not satisfy the request Accept header.")
        }
        if search {
            guard request.method == "GET" else { return Self.detail(405, "Method \"\(request.method)\" not allowed.") }
            let query = request.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            let email = query.split(separator: "&").compactMap { pair -> String? in
                let kv = pair.split(separator: "=", maxSplits: 1)
                return kv.count == 2 && kv[0] == "email" ? String(kv[1]).removingPercentEncoding : nil
            }.first
            guard let email, let id = lock.withLock({ users[email] }) else { return Self.detail(404, "Not found.") }
            return MockResponse(status: 200, json: JSONWriter.string(["id": .integer(Int64(id)), "email": .string(email)]))
        }
        guard request.method == "POST" else { return Self.detail(405, "Method \"\(request.method)\" not allowed.") }
        if let next = scriptedAnswer() { return next }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            return Self.detail(415, "Unsupported media type \"\(request.header("Content-Type") ?? "")\" in request.")
        }
        let object: JSONObject
        do {
            guard case .object(let o) = try JSONParser.parse(request.body) else { return Self.detail(400, "JSON parse error - Expected an object") }
            object = o
        } catch {
            return Self.detail(400, "JSON parse error - \(error)")
        }
        var problems: [(String, String)] = []
        var user = byId ? parts[4].removingPercentEncoding : nil
        if byUserId {
            switch object["user_id"] {
            case .number(let n) where n.int64Value != nil:
                let id = Int(n.int64Value!)
                if lock.withLock({ users.values.contains(id) }) { user = String(id) } else {
                    problems.append(("user_id", "Invalid pk \"\(id)\" - object does not exist."))
                }
            case nil: problems.append(("user_id", "This field is required."))
            default: problems.append(("user_id", "A valid integer is required."))
            }
        }
        switch object["name"] {
        case .string(let s) where !s.isEmpty: break
        case .string: problems.append(("name", "This field may not be blank."))
        case nil: problems.append(("name", "This field is required."))
        default: problems.append(("name", "Not a valid string."))
        }
        if let t = object["timestamp"], t.numberValue?.int64Value == nil { problems.append(("timestamp", "A valid integer is required.")) }
        if let d = object["data"], d.objectValue == nil { problems.append(("data", "Expected a dictionary of items.")) }
        guard problems.isEmpty else {
            return MockResponse(status: 400, json: JSONWriter.string(.object(JSONObject(problems.map { (key: $0.0, value: .array([.string($0.1)])) }))))
        }
        if let next = scriptedAnswer(userId: user) { return next }
        let name = object["name"]!.stringValue!
        let created = lock.withLock { names.insert(name).inserted }
        return MockResponse(status: 200, json: JSONWriter.string(["id": .integer(Int64(nextNumber())), "created": .bool(created)]))
    }

    /// Django REST Framework's `{"detail": …}`.
    public static func detail(_ status: Int, _ message: String) -> MockResponse {
        MockResponse(status: status, json: JSONWriter.string(["detail": .string(message)]))
    }
}
