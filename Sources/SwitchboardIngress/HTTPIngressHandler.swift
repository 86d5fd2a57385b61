import NIOCore
import NIOHTTP1
import SwitchboardChannels

/// One connection's requests, handed to the ingress pipeline on the connection's event loop and
/// answered there, one at a time and in order.
///
/// Parts of requests a client sends before its previous answer (pipelining) wait here until that
/// answer is written; reading pauses only while `maxWaitingParts` wait. NIO's pipelining helper,
/// which this replaces, paused reading at every request, at two `epoll_ctl` calls each.
///
/// The connection closes once its last answer is written: when the client has half-closed it
/// (after answering all it sent), when the server is shutting down (`ChannelShouldQuiesceEvent`),
/// or after a malformed request (answered `400` in its turn, as NIO's error handler would).
///
/// Answers are written as bytes (``HTTPAnswerBytes``): the pipeline has NIO's request decoder
/// and no response encoder.
final class HTTPIngressHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maxWaitingParts = 16

    private let pipeline: IngressPipeline
    private var collector = HTTPRequestCollector(answeringContinue: false)
    /// A request has been handed to the pipeline and its answer is not written yet.
    private var answering = false
    /// Parts that came while `answering`, in order.
    private var waiting = CircularBuffer<HTTPServerRequestPart>()
    /// A read was held back because `waiting` was full.
    private var readHeld = false
    /// The server is stopping: the request being answered (or arriving) is the last.
    private var quiescing = false
    /// The client half-closed: what it sent is answered, then the connection closes.
    private var inputClosed = false
    /// The bytes after the waiting parts could not be parsed: answer 400 in turn, then close.
    private var malformed = false

    init(pipeline: IngressPipeline) {
        self.pipeline = pipeline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering || !waiting.isEmpty {
            waiting.append(part)
        } else {
            take(part, context: context)
        }
    }

    func read(context: ChannelHandlerContext) {
        if waiting.count >= Self.maxWaitingParts {
            readHeld = true
        } else {
            context.read()
        }
    }

    private func take(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if case .head(let head) = part, HTTPRequestCollector.expectsContinue(head) {
            context.writeAndFlush(wrapOutboundOut(HTTPAnswerBytes.continueAnswer(to: head, allocator: context.channel.allocator)),
                                  promise: nil)
        }
        guard let request = collector.take(part, limit: pipeline.maxBodyBytes, context: context) else { return }
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
        // Nothing can follow once the client has stopped sending; a malformed request is answered next.
        let last = quiescing || (inputClosed && waiting.isEmpty && !malformed)
        let keepAlive = request.isKeepAlive && !last
        let bytes = HTTPAnswerBytes.answer(to: request, status: answer.status, retryAfterSeconds: answer.retryAfterSeconds,
                                           date: ResponseDate.now(), body: answer.body, keepAlive: keepAlive,
                                           allocator: context.channel.allocator)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
        }
        if !last { takeWaiting(context: context) }
    }

    /// Takes the waiting parts up to the next request handed on; once none is left, reads again
    /// if reading was held (or closes, if nothing more can come).
    private func takeWaiting(context: ChannelHandlerContext) {
        while !answering, let part = waiting.popFirst() { take(part, context: context) }
        guard !answering else { return }
        if malformed {
            answerMalformed(context: context)
        } else if inputClosed {
            context.close(promise: nil)
        } else if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Answers a request that could not be parsed the way NIO's error handler does, and closes.
    private func answerMalformed(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(HTTPAnswerBytes.malformedAnswer(allocator: context.channel.allocator))).whenComplete {
            [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case IdleStateHandler.IdleStateEvent.read:
            // Silent for the idle timeout: close, unless the wait is for our own answer.
            if !answering { context.close(promise: nil) }
        case is ChannelShouldQuiesceEvent:
            // The request being answered, or still arriving, is answered (with `Connection: close`);
            // those sent after it are not, as with NIO's pipelining helper.
            quiescing = true
            waiting.removeAll()
            if !answering && !collector.isCollecting { context.close(promise: nil) }
        case ChannelEvent.inputClosed:
            inputClosed = true
            if !answering && !malformed { context.close(promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // After a parse error the decoder reports every later read as an error too.
        guard !malformed else { return }
        guard error is HTTPParserError, !quiescing else { return context.close(promise: nil) }
        malformed = true
        if !answering { answerMalformed(context: context) }
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
