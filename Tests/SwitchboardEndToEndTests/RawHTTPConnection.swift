import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the gateway (or a mock vendor) for tests of HTTP framing and
/// connection handling that a URL session hides (pipelining, `Connection: close`, HEAD, a stop
/// while connecting). Reads block, with a 10 s timeout, on a thread of their own.
final class RawHTTPConnection: @unchecked Sendable {
    struct Response {
        let statusLine: String
        /// Header names in lower case.
        let headers: [String: String]
        let body: String
    }

    private let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        // A local until connected: once `self.fd` is set, a throw runs `deinit`, which closes it
        // too, and a second close may hit a descriptor some other part of the process has opened since.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }

    /// Half-closes the connection: the server sees the end of what the client sends.
    func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The next response: its head, then `Content-Length` bytes of body (none after a HEAD
    /// request, when `bodyless`). Nil if the connection ended or timed out first.
    func response(bodyless: Bool = false) async -> Response? {
        await onOwnThread { [self] in
            guard let end = readUntil([13, 10, 13, 10]) else { return nil }
            let head = String(decoding: buffered[..<end], as: UTF8.self)
            buffered.removeFirst(end + 4)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = bodyless ? 0 : Int(headers["content-length"] ?? "0") ?? 0
            while buffered.count < length { guard fill() else { return nil } }
            let body = String(decoding: buffered[..<length], as: UTF8.self)
            buffered.removeFirst(length)
            return Response(statusLine: statusLine, headers: headers, body: body)
        }
    }

    /// True once the server has closed the connection (within the read timeout) with nothing
    /// more sent.
    func closedByServer() async -> Bool {
        await onOwnThread { [self] in buffered.isEmpty && !fill() && lastRead == 0 }
    }

    /// True once the connection has ended (closed or reset by the server, within the read
    /// timeout), whatever was sent before.
    func ended() async -> Bool {
        await onOwnThread { [self] in
            while fill() {}
            return lastRead == 0 || lastError == ECONNRESET
        }
    }

    private var lastRead = -1
    private var lastError: Int32 = 0

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        lastRead = n
        lastError = n < 0 ? errno : 0
        guard n > 0 else { return false }
        buffered += chunk[..<n]
        return true
    }

    private func readUntil(_ marker: [UInt8]) -> Int? {
        while true {
            if buffered.count >= marker.count {
                for i in 0...(buffered.count - marker.count) where buffered[i..<(i + marker.count)].elementsEqual(marker) {
                    return i
                }
            }
            guard fill() else { return nil }
        }
    }

    private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

/// A TCP port that takes connections (in the kernel's backlog) and never answers: a vendor that
/// hangs in the TLS handshake.
final class SilentListener {
    private let fd: Int32
    let port: Int

    init() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length)
                listen(fd, 64)
                return getsockname(fd, pointer, &length)
            }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
