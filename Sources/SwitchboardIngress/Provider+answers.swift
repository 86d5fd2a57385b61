import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

/// The one place where errors are rendered, always in the inbound vendor's own format.
public struct IngressError: Error, Sendable {
    public let kind: ErrorAnswers.Kind
    /// A message for the app; never contains keys, tokens or request data.
    public let message: String
    public let field: String?
    public let problem: String?
    /// Seconds after which the app may try again (sent as `Retry-After`).
    public var retryAfterSeconds: Int?

    public init(_ kind: ErrorAnswers.Kind, _ message: String, field: String? = nil, problem: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.problem = problem
    }

    init(field error: MappingError) {
        self.init(.invalidField, "\(error.field) \(error.message)", field: error.field, problem: error.message)
    }
}

extension Provider {
    /// Renders `error` with this vendor's error answer for its kind.
    public func answer(for error: IngressError) -> InboundAnswer {
        let template = errors.answer(for: error.kind)
        var members: [(key: String, value: JSONValue)] = [
            ("kind", .string(error.kind.rawValue)), ("status", .integer(Int64(template.status))),
            ("message", .string(error.message)),
        ]
        if let field = error.field { members.append(("field", .string(field))) }
        if let problem = error.problem { members.append(("problem", .string(problem))) }
        let context = EvaluationContext([("error", .object(JSONObject(members)))])
        let body = (try? template.body.evaluate(in: context, field: "")) ?? .object(JSONObject([("detail", .string(error.message))]))
        return InboundAnswer(status: template.status, body: JSONWriter.bytes(body), retryAfterSeconds: error.retryAfterSeconds)
    }
}

extension InboundEndpoint {
    /// Renders the success answer for the events one request was journaled as (the first one's
    /// id and `created`, and all ids).
    func successAnswer(for events: [AppendedEvent], delivered: Bool) -> InboundAnswer {
        let first = events[0]
        let context = EvaluationContext([("answer", [
            "id": .integer(first.eventId), "eventId": .string(String(first.eventId)), "created": .bool(first.firstOfName),
            "status": .string(delivered ? "delivered" : "queued"), "count": .integer(Int64(events.count)),
            "ids": .array(events.map { .integer($0.eventId) }),
        ])])
        let body = (try? answer.body.evaluate(in: context, field: "")) ?? .null
        return InboundAnswer(status: answer.status, body: JSONWriter.bytes(body))
    }
}
