import NIOCore
import NIOHTTP1
import SwitchboardChannels

/// One connection to a mock vendor: each request, once whole, goes to the vendor's handler in a
/// task, and its answer is written back on the connection's event loop. NIO's pipelining helper,
/// ahead of it, passes on one request at a time.
final class MockConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: @Sendable (MockRequest) async -> MockResponse
    private var collector = HTTPRequestCollector()
    private var open = true
    /// The largest body a mock takes; a larger one is answered 413.
    static let maxBodyBytes = 8 << 20

    init(handler: @escaping @Sendable (MockRequest) async -> MockResponse) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let request = collector.take(unwrapInboundIn(data), limit: Self.maxBodyBytes, context: context) else { return }
        guard !request.tooLarge else {
            let answer = MockResponse(status: 413, json: #"{"error":"request body larger than \#(Self.maxBodyBytes) bytes"}"#)
            return write(answer, to: request.head, context: context)
        }
        answer(request.head, body: request.body, context: context)
    }

    private func answer(_ head: HTTPRequestHead, body: [UInt8], context: ChannelHandlerContext) {
        let target = head.uri
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let request = MockRequest(method: head.method.rawValue, uri: target, path: path,
                                  headers: head.headers.map { ($0.name, $0.value) }, body: body)
        let loop = context.eventLoop
        let connection = NIOLoopBound((handler: self, context: context), eventLoop: loop)
        let handler = self.handler
        Task {
            let answer = await handler(request)
            loop.execute { connection.value.handler.write(answer, to: head, context: connection.value.context) }
        }
    }

    private func write(_ answer: MockResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard open else { return }
        context.writeAnswer(to: request, status: HTTPResponseStatus(statusCode: answer.status),
                            headers: HTTPHeaders(answer.headers), body: answer.body)
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
