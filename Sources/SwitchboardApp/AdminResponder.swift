import Hummingbird
import NIOCore
import SwitchboardCore
import SwitchboardIngress
import SwitchboardJournal

/// The admin API, on its own listener: `GET /health` (alive, and the last reload's outcome),
/// `GET /ready` (routes are loaded) and `GET /metrics` (Prometheus). With a token configured, every request needs
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
        guard request.method == .get else { return json(405, ["error": "method not allowed"]) }
        switch request.uri.path {
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

    private func json(_ status: Int, _ body: JSONValue) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(body))))
    }
}
