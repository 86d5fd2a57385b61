import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

extension InboundRoute {
    /// The journal query a list request asks for, read by the endpoint's `filters` rule.
    /// - Throws: ``IngressError`` (invalid field) for a filter that does not fit.
    func eventQuery(_ request: InboundRequest, parameters: [(String, String)], auth: JSONObject, list: EventList)
        throws(IngressError) -> EventQuery
    {
        let context = EvaluationContext([("query", FormFields.query(of: request)), ("path", JSONValue.strings(parameters)),
                                         ("auth", .object(auth))])
        let filters: JSONValue?
        do {
            filters = try list.filters.evaluate(in: context, field: "")
        } catch {
            throw IngressError(field: error)
        }
        guard case .object(let f)? = filters else { return EventQuery() }
        func bad(_ field: String, _ problem: String) -> IngressError {
            IngressError(.invalidField, "\(field) \(problem)", field: field, problem: problem)
        }
        func integer(_ key: String) throws(IngressError) -> Int64? {
            guard let value = f[key] else { return nil }
            guard let i = value.numberValue?.int64Value, i >= 0 else { throw bad(key, "must be a non-negative integer") }
            return i
        }
        var result = EventQuery()
        result.since = try integer("since").map(Instant.init(milliseconds:))
        result.until = try integer("until").map(Instant.init(milliseconds:))
        if let user = f["userId"] {
            guard let text = user.stringValue else { throw bad("userId", "must be a string") }
            result.userId = text
        }
        if let names = f["events"] {
            guard let list = names.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else { throw bad("events", "must be a list of names") }
            result.names = list.compactMap(\.stringValue)
        }
        if let members = f["context"] {
            guard case .object(let o) = members, o.members.allSatisfy({ $0.value.stringValue != nil }) else {
                throw bad("context", "must be an object of strings")
            }
            for m in o.members { result.context[m.key] = m.value.stringValue }
        }
        result.offset = Int(try integer("offset") ?? 0)
        result.limit = Int(try integer("limit") ?? Int64(min(50, list.maxLimit)))
        guard result.limit >= 1, result.limit <= list.maxLimit else { throw bad("limit", "must be between 1 and \(list.maxLimit)") }
        return result
    }

    /// The answer listing `page`: each event through the `item` rule, then the endpoint's answer
    /// over `answer.items`, `answer.total` and `answer.count`.
    func listAnswer(_ page: EventPage, list: EventList) throws(IngressError) -> InboundAnswer {
        var items: [JSONValue] = []
        items.reserveCapacity(page.events.count)
        for stored in page.events {
            let event = (try? JSONParser.parse(stored.canonical)) ?? .object(JSONObject())
            let context = EvaluationContext([
                ("event", event), ("id", .integer(stored.id)), ("receivedAt", .string(stored.receivedAt.rfc3339(precision: .milliseconds))),
            ])
            do {
                if let item = try list.item.evaluate(in: context, field: "item") { items.append(item) }
            } catch {
                throw IngressError(.internalError, "event \(stored.id) cannot be listed: \(error)")
            }
        }
        let context = EvaluationContext([("answer", [
            "items": .array(items), "total": .integer(Int64(page.total)), "count": .integer(Int64(items.count)),
        ])])
        let body = (try? endpoint.answer.body.evaluate(in: context, field: "")) ?? .null
        return InboundAnswer(status: endpoint.answer.status, body: JSONWriter.bytes(body))
    }
}
