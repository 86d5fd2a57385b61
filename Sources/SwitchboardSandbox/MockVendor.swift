import Foundation
import SwitchboardCore

/// What every strict mock vendor shares: it records each request with the status it got, can be
/// scripted (the next answers, a user's next answers, an outage), and counts duplicates by
/// `Idempotency-Key`. A vendor's own checks and answers live in a subclass's ``answer(_:)``.
open class MockVendor: @unchecked Sendable {
    /// One request that reached the mock, with the verdict it got.
    public struct Received: Sendable {
        public let request: MockRequest
        public let status: Int
        /// When the request arrived.
        public let at: Date
        public var body: [UInt8] { request.body }
        public var bodyText: String { String(decoding: request.body, as: UTF8.self) }
    }

    let lock = NSLock()
    private var received: [Received] = []
    private var scripted: [MockResponse] = []
    private var scriptedByUser: [String: [MockResponse]] = [:]
    private var outage: MockResponse?
    private var counter = 0

    public init() {}

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

    /// Answers the next requests that pass authentication with these, in order, before going
    /// back to normal validation.
    public func script(_ responses: [MockResponse]) {
        lock.withLock { scripted += responses }
    }

    /// Answers every authenticated request with `response` until called again with nil (the
    /// vendor is down); what was received so far is kept.
    public func failAll(with response: MockResponse?) {
        lock.withLock { outage = response }
    }

    /// Answers the next valid requests for events of `userId` with these, in order.
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

    /// The vendor's answer: its checks in its order, with ``scriptedAnswer()`` once the request is
    /// authenticated and ``scriptedAnswer(userId:)`` once it is valid.
    open func answer(_ request: MockRequest) -> MockResponse {
        fatalError("a mock vendor answers for itself")
    }

    /// An outage or a scripted answer, if one is due.
    public func scriptedAnswer() -> MockResponse? {
        lock.withLock { outage ?? (scripted.isEmpty ? nil : scripted.removeFirst()) }
    }

    /// A scripted answer for this user, if one is due.
    public func scriptedAnswer(userId: String?) -> MockResponse? {
        guard let userId else { return nil }
        return lock.withLock {
            guard var queue = scriptedByUser[userId], !queue.isEmpty else { return nil }
            let next = queue.removeFirst()
            scriptedByUser[userId] = queue
            return next
        }
    }

    /// 1, 2, 3, … for the ids the vendor hands out.
    public func nextNumber() -> Int {
        lock.withLock {
            counter += 1
            return counter
        }
    }

    /// The request's body as a JSON object, or nil.
    public static func jsonObject(_ request: MockRequest) -> JSONObject? {
        guard let body = try? JSONParser.parse(request.body), case .object(let object) = body else { return nil }
        return object
    }
}
