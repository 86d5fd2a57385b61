import NIOCore
import NIOHTTP1
import SwitchboardChannels

/// Ingress answers as bytes: the status line, the headers every answer carries, the framing
/// headers and the body, in one buffer that the event loop writes with one call. NIO's response
/// encoder, which this replaces, took three writes through the pipeline and a header list per
/// answer. The header names are fixed and the values ours (a media type, a date, numbers).
enum HTTPAnswerBytes {
    /// The answer to `request`; `keepAlive` false adds `connection: close` (and HTTP/1.0 keeps a
    /// connection only with `connection: keep-alive`). No body follows the headers after HEAD.
    static func answer(
        to request: HTTPRequestHead, status: Int, retryAfterSeconds: Int?, date: String, body: [UInt8], keepAlive: Bool,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 160 + body.count)
        writeStatusLine(request.version, status, into: &buffer)
        buffer.writeStaticString("content-type: application/json\r\ndate: ")
        buffer.writeString(date)
        if let retryAfterSeconds {
            buffer.writeStaticString("\r\nretry-after: ")
            buffer.writeString(String(retryAfterSeconds))
        }
        buffer.writeStaticString("\r\ncontent-length: ")
        buffer.writeString(String(body.count))
        if let connection = request.answerConnectionHeader(keepingAlive: keepAlive) {
            buffer.writeStaticString("\r\nconnection: ")
            buffer.writeString(connection)
        }
        buffer.writeStaticString("\r\n\r\n")
        if request.method != .HEAD { buffer.writeBytes(body) }
        return buffer
    }

    /// `100 Continue`, for a request that asks for it before it sends its body.
    static func continueAnswer(to request: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 32)
        writeStatusLine(request.version, 100, into: &buffer)
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// The answer to a request that could not be parsed, as NIO's error handler writes it.
    static func malformedAnswer(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 80)
        buffer.writeStaticString("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        return buffer
    }

    private static func writeStatusLine(_ version: HTTPVersion, _ status: Int, into buffer: inout ByteBuffer) {
        switch (version.major, version.minor) {
        case (1, 1): buffer.writeStaticString("HTTP/1.1 ")
        case (1, 0): buffer.writeStaticString("HTTP/1.0 ")
        default: buffer.writeString("HTTP/\(version.major).\(version.minor) ")
        }
        buffer.writeString(String(status))
        buffer.writeStaticString(" ")
        buffer.writeString(HTTPResponseStatus(statusCode: status).reasonPhrase)
        buffer.writeStaticString("\r\n")
    }
}
