import SwitchboardCore
import SwitchboardMapping

/// The one place where errors are rendered, always in the inbound vendor's own format.
public struct IngressError: Error, Sendable {
    public let kind: ErrorAnswers.Kind
    /// A message for the app; never contains keys, tokens or request data.
    public let message: String
    public let field: String?
    public let problem: String?

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
        var members: [JSONObject.Member] = [
            ("kind", .string(error.kind.rawValue)), ("status", .integer(Int64(template.status))),
            ("message", .string(error.message)),
        ]
        if let field = error.field { members.append(("field", .string(field))) }
        if let problem = error.problem { members.append(("problem", .string(problem))) }
        let context = EvaluationContext([("error", .object(JSONObject(members)))])
        let body = (try? template.body.evaluate(in: context, field: "")) ?? .object(JSONObject([("detail", .string(error.message))]))
        return InboundAnswer(status: template.status, body: JSONWriter.bytes(body))
    }
}

extension InboundEndpoint {
    /// Renders the success answer for a journaled event.
    func successAnswer(eventId: Int64, created: Bool, delivered: Bool) -> InboundAnswer {
        let context = EvaluationContext([("answer", [
            "id": .integer(eventId), "eventId": .string(String(eventId)), "created": .bool(created),
            "status": .string(delivered ? "delivered" : "queued"),
        ])])
        let body = (try? answer.body.evaluate(in: context, field: "")) ?? .null
        return InboundAnswer(status: answer.status, body: JSONWriter.bytes(body))
    }
}
