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
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var open = true

    init(handler: @escaping @Sendable (MockRequest) async -> MockResponse) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
            context.continueIfExpected(head)
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            self.head = nil
            answer(head, context: context)
        }
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let target = head.uri
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let request = MockRequest(method: head.method.rawValue, uri: target, path: path,
                                  headers: head.headers.map { ($0.name, $0.value) }, body: Array(buffer: body))
        body.clear()
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
