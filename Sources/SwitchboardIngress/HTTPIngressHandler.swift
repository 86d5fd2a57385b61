import NIOCore
import NIOHTTP1
import SwitchboardChannels

/// One connection's requests, handed to the ingress pipeline on the connection's event loop and
/// answered there. NIO's pipelining helper, ahead of it, passes on one request at a time.
final class HTTPIngressHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let pipeline: IngressPipeline
    private var collector = HTTPRequestCollector()
    /// A request has been handed to the pipeline and its answer is not written yet.
    private var answering = false

    init(pipeline: IngressPipeline) {
        self.pipeline = pipeline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let request = collector.take(unwrapInboundIn(data), limit: pipeline.maxBodyBytes, context: context) else { return }
        answer(request, context: context)
    }

    private func answer(_ collected: HTTPRequestCollector.Request, context: ChannelHandlerContext) {
        let head = collected.head
        let (path, query) = Self.split(head.uri)
        let headers = head.headers
        let request = InboundRequest(
            method: head.method.rawValue, path: path, query: query,
            header: { name in
                let values = headers[name]
                return values.count > 1 ? values.joined(separator: ", ") : values.first
            },
            body: collected.body, bodyTooLarge: collected.tooLarge)
        answering = true
        let loop = context.eventLoop
        let connection = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        pipeline.handle(request) { answer in
            if loop.inEventLoop {
                connection.value.handler.write(answer, to: head, context: connection.value.context)
            } else {
                loop.execute { connection.value.handler.write(answer, to: head, context: connection.value.context) }
            }
        }
    }

    private func write(_ answer: InboundAnswer, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        answering = false
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "date", value: ResponseDate.now())
        if let seconds = answer.retryAfterSeconds { headers.add(name: "retry-after", value: String(seconds)) }
        context.writeAnswer(to: request, status: HTTPResponseStatus(statusCode: answer.status), headers: headers, body: answer.body)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Silent for the idle timeout: close, unless the wait is for our own answer.
        if case IdleStateHandler.IdleStateEvent.read = event {
            if !answering { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// The path (still percent-encoded) and the query of a request target, in origin form or
    /// absolute form (`http://host/path?query`).
    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        var rest = Substring(target)
        if rest.utf8.first != UInt8(ascii: "/"), let scheme = rest.range(of: "://") {
            let authority = rest[scheme.upperBound...]
            rest = authority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { authority[$0...] } ?? ""
        }
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        guard let mark = rest.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (rest.isEmpty ? "/" : rest, nil) }
        let path = rest[..<mark]
        return (path.isEmpty ? "/" : path, rest[rest.index(after: mark)...])
    }
}
