import NIOCore
import NIOHTTP1

extension HTTPRequestHead {
    /// The `Connection` header the answer needs: `close` when the connection ends after it,
    /// `keep-alive` for an HTTP/1.0 client that keeps it (1.1 keeps it by default), else none.
    public func answerConnectionHeader(keepingAlive: Bool) -> String? {
        if !keepingAlive { return "close" }
        return version.minor == 0 ? "keep-alive" : nil
    }
}

extension ChannelHandlerContext {
    /// Answers `100 Continue` when `request` asks for it: its client waits for that before it
    /// sends the body (curl, a second at most).
    public func continueIfExpected(_ request: HTTPRequestHead) {
        guard HTTPRequestCollector.expectsContinue(request) else { return }
        let interim = HTTPResponseHead(version: request.version, status: .continue)
        writeAndFlush(NIOAny(HTTPServerResponsePart.head(interim)), promise: nil)
    }

    /// Writes the whole answer to `request`, adding the framing headers (`Content-Length`, and
    /// `Connection` where HTTP/1.0 or a close needs it): no body after HEAD, and the connection
    /// closed after it unless the request keeps it alive and `close` is false.
    public func writeAnswer(to request: HTTPRequestHead, status: HTTPResponseStatus, headers: HTTPHeaders, body: [UInt8],
                            close: Bool = false) {
        let keepAlive = request.isKeepAlive && !close
        var headers = headers
        headers.replaceOrAdd(name: "content-length", value: String(body.count))
        if let connection = request.answerConnectionHeader(keepingAlive: keepAlive) {
            headers.replaceOrAdd(name: "connection", value: connection)
        }
        write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let written = writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = self.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
