import NIOCore
import NIOHTTP1

/// Gathers one request at a time from NIO's HTTP parts, up to a body limit, answering
/// `100 Continue` where asked (unless its owner writes that itself). A body over the limit (by
/// its `Content-Length`, or as it comes) is read to its end and dropped, so that the answer
/// comes once the request is complete.
public struct HTTPRequestCollector {
    /// A whole request. `body` is empty when `tooLarge`.
    public struct Request {
        public let head: HTTPRequestHead
        public let body: [UInt8]
        public let tooLarge: Bool
    }

    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var limit = 0
    private var tooLarge = false
    private let answeringContinue: Bool

    /// - Parameter answeringContinue: whether to write `100 Continue` (as NIO's response parts)
    ///   to a request that expects it.
    public init(answeringContinue: Bool = true) {
        self.answeringContinue = answeringContinue
    }

    /// Whether the client waits for `100 Continue` before it sends the body (curl does, a second at most).
    public static func expectsContinue(_ head: HTTPRequestHead) -> Bool {
        head.headers.first(name: "expect")?.lowercased() == "100-continue"
    }

    /// A request's head has come and its end not yet.
    public var isCollecting: Bool { head != nil }

    /// Takes the next part; returns the request once its end has come. `limit` is read at each
    /// request's head.
    public mutating func take(_ part: HTTPServerRequestPart, limit: @autoclosure () -> Int,
                              context: ChannelHandlerContext) -> Request? {
        switch part {
        case .head(let head):
            self.head = head
            self.limit = limit()
            body.clear()
            tooLarge = head.headers.first(name: "content-length").flatMap(Int.init).map { $0 > self.limit } ?? false
            if answeringContinue { context.continueIfExpected(head) }
        case .body(var chunk):
            guard !tooLarge else { return nil }
            if body.readableBytes + chunk.readableBytes > self.limit {
                tooLarge = true
                body.clear()
            } else {
                body.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return nil }
            self.head = nil
            let request = Request(head: head, body: tooLarge ? [] : Array(buffer: body), tooLarge: tooLarge)
            body.clear()
            return request
        }
        return nil
    }
}
