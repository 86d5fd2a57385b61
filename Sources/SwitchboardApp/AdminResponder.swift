import Hummingbird
import NIOCore
import SwitchboardCore
import SwitchboardIngress
import SwitchboardJournal

/// The admin API, on its own listener: `GET /health` (alive, and the last reload's outcome),
/// `GET /ready` (routes are loaded), `GET /metrics` (Prometheus), `GET /failures` (deliveries by
/// the filters of ``FailuresQuery``, as query parameters), `GET /failures/ID` (one, with its
/// attempt history) and `POST /replay` (`{"ids": [...]}`, or the filters as query parameters with
/// dead-lettered deliveries by default). With a token configured, every request needs
/// `Authorization: Bearer <token>`.
struct AdminResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let token: Secret?
    let reloader: ConfigReloader
    let routes: Snapshot<[InboundRoute]>
    let metrics: PrometheusMetrics
    let journal: any Journal

    func respond(to request: Request, context: Context) async throws -> Response {
        if let token {
            let given = request.headers[.authorization] ?? ""
            guard given.hasPrefix("Bearer "), token.matches(Array(given.dropFirst(7).utf8)) else {
                return json(401, ["error": "unauthorized"])
            }
        }
        if request.uri.path == "/replay" {
            guard request.method == .post else { return json(405, ["error": "method not allowed"]) }
            return try await replay(request)
        }
        guard request.method == .get else { return json(405, ["error": "method not allowed"]) }
        if request.uri.path.hasPrefix("/failures/") {
            guard let id = Int64(request.uri.path.dropFirst("/failures/".count)), let record = try journal.delivery(id: id) else {
                return json(404, ["error": "no such delivery"])
            }
            return json(200, record.json)
        }
        switch request.uri.path {
        case "/failures":
            do {
                let filter = try FailuresQuery.filter(query(request))
                return json(200, ["deliveries": .array(try journal.deliveries(matching: filter).map(\.json))])
            } catch let problem as FailuresQuery.Problem {
                return json(400, ["error": .string(problem.description)])
            }
        case "/health":
            let status = reloader.lastStatus
            var reload: JSONValue = [
                "succeeded": .bool(status.succeeded), "reloads": .integer(Int64(status.reloads)),
                "problems": .array(status.problems.map(JSONValue.string)),
            ]
            if let at = status.at, case .object(var object) = reload {
                object.set("at", .string(at.rfc3339()))
                reload = .object(object)
            }
            return json(200, ["status": "ok", "reload": reload])
        case "/metrics":
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render(journal: journal, now: SystemClock().now()))))
        case "/ready":
            let count = routes.load().count
            return json(count > 0 ? 200 : 503, ["ready": .bool(count > 0), "routes": .integer(Int64(count))])
        default:
            return json(404, ["error": "not found"])
        }
    }

    /// Makes the chosen deliveries due now (each user's still go out in the order accepted).
    private func replay(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var ids: [Int64] = []
        if body.readableBytes > 0 {
            guard let json = try? JSONParser.parse(Array(buffer: body)), let list = json["ids"]?.arrayValue,
                list.allSatisfy({ $0.numberValue?.int64Value != nil })
            else { return json(400, ["error": #"the body must be {"ids": [delivery ids]}"#]) }
            ids = list.compactMap { $0.numberValue?.int64Value }
        } else {
            do {
                let values = query(request)
                var filter = try FailuresQuery.filter(values, defaultStates: [.dead])
                if values["limit"] == nil { filter.limit = Int.max }
                ids = try journal.deliveries(matching: filter).map(\.deliveryId)
            } catch let problem as FailuresQuery.Problem {
                return json(400, ["error": .string(problem.description)])
            }
        }
        let changed = try await journal.replay(deliveryIds: ids.sorted(), now: SystemClock().now())
        return json(200, ["chosen": .integer(Int64(ids.count)), "replayed": .integer(Int64(changed))])
    }

    private func query(_ request: Request) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { values[String(key)] = String(value) }
        return values
    }

    private func json(_ status: Int, _ body: JSONValue) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(body))))
    }
}
