import CCurl
import Foundation
import SwitchboardCore

/// Sends requests through one libcurl multi handle, driven by a thread of its own with
/// `curl_multi_socket_action` and epoll (``CurlSocketLoop``). Connections (and their TLS sessions)
/// are kept and reused across requests to the same host.
///
/// libcurl is handed at most `maxConnectionsPerHost` transfers per host at a time; the rest wait
/// here, in order. (libcurl queues the extra ones itself, but then every finished transfer costs
/// a walk over all those queued: with a backlog being drained that was a fifth of the CPU.)
///
/// `send` may be called from any thread; completions run on the transport's thread and must
/// return quickly.
public final class CurlTransport: @unchecked Sendable {
    public typealias Completion = @Sendable (TransportResult) -> Void

    /// One request in flight: the context libcurl hands back to our callbacks.
    final class Transfer {
        let request: OutboundRequest
        let completion: Completion
        /// Sent on a new connection, not a kept one (a second try, see ``finish``).
        let fresh: Bool
        /// Which idle pool the handle goes back to.
        let caKey: String
        /// Whose share of transfers it takes: the URL's scheme, host and port.
        let host: Substring
        var headers: CurlHeaderList?
        var response: [UInt8] = []
        var retryAfter: String?
        init(request: OutboundRequest, completion: @escaping Completion, fresh: Bool, caKey: String, host: Substring) {
            self.request = request
            self.completion = completion
            self.fresh = fresh
            self.caKey = caKey
            self.host = host
        }
    }

    private let options: TransportOptions
    private let multi: UnsafeMutableRawPointer
    private let loop: CurlSocketLoop
    private let lock = NSLock()
    private var submitted: [(OutboundRequest, Completion)] = []
    private var running = true
    /// The thread is (about to be) blocked waiting for sockets, so a new request must wake it.
    private var sleeping = false
    /// Finished handles kept for reuse, by CA file: reusing a handle without `curl_easy_reset`
    /// keeps its buffers (reset frees and reallocates them for every request).
    private var idleHandles: [String: [UnsafeMutableRawPointer]] = [:]
    private var active = 0
    /// Transfers handed to libcurl, and those waiting for a share, by host (transport thread only).
    private var activeByHost: [Substring: Int] = [:]
    private var waitingByHost: [Substring: FIFOQueue<(OutboundRequest, Completion)>] = [:]
    private var waiting = 0
    private let finished = DispatchSemaphore(value: 0)

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        sb_ignore_sigpipe()
    }()

    /// Call once early, before other threads start, so libcurl's global setup is not raced.
    public static func initializeLibrary() { _ = globalInit }

    public init(options: TransportOptions) {
        Self.initializeLibrary()
        self.options = options
        multi = curl_multi_init()!
        sb_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.maxConnectionsPerHost)
        sb_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.maxConnectionsPerHost * 2)
        loop = CurlSocketLoop(multi: multi)
        startThread(named: "sb-curl") { [self] in run() }
    }

    /// Queues `request`; `completion` runs once with its result.
    public func send(_ request: OutboundRequest, completion: @escaping Completion) {
        lock.lock()
        guard running else {
            lock.unlock()
            completion(TransportResult(status: nil, body: [], curlCode: -1, curlError: "transport stopped"))
            return
        }
        submitted.append((request, completion))
        let wake = sleeping
        sleeping = false
        lock.unlock()
        if wake { loop.wake() }
    }

    /// Sends `request` and waits for its result.
    public func send(_ request: OutboundRequest) async -> TransportResult {
        await withCheckedContinuation { continuation in
            send(request) { continuation.resume(returning: $0) }
        }
    }

    /// Stops taking requests, finishes those in flight (each bounded by the timeout), then ends
    /// the thread.
    public func shutdown() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        guard wasRunning else { return }
        loop.wake()
        finished.wait()
    }

    /// ``shutdown()`` for async callers: waits on a thread of its own, not on one of Swift's
    /// concurrency pool, which the requests still in flight may need in order to finish (an
    /// in-process vendor answers there; on two cores the pool has two threads).
    public func shutdown() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            startThread(named: "sb-curl-stop") { [self] in
                shutdown()
                done.resume()
            }
        }
    }

    // MARK: - The transport thread

    private func run() {
        // Swapped with `submitted` under the lock: the two buffers are reused, never reallocated.
        var batch: [(OutboundRequest, Completion)] = []
        while true {
            lock.lock()
            swap(&batch, &submitted)
            let keepGoing = running
            lock.unlock()
            let took = !batch.isEmpty
            for (request, completion) in batch { start(request, completion) }
            batch.removeAll(keepingCapacity: true)
            if !keepGoing && !took && active == 0 && waiting == 0 { break }
            lock.lock()
            let idle = submitted.isEmpty && running
            sleeping = idle
            lock.unlock()
            loop.runOnce(maxWaitMilliseconds: idle ? 1000 : 0)
            lock.withLock { sleeping = false }
            collectFinished()
        }
        for handle in idleHandles.values.joined() { curl_easy_cleanup(handle) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
        finished.signal()
    }

    private func start(_ request: OutboundRequest, _ completion: @escaping Completion, fresh: Bool = false) {
        let host = Self.hostKey(request.url)
        guard activeByHost[host, default: 0] < options.maxConnectionsPerHost else {
            waitingByHost[host, default: FIFOQueue()].append((request, completion))
            waiting += 1
            return
        }
        activeByHost[host, default: 0] += 1
        let caKey = request.caFile ?? options.caFile ?? ""
        let handle = idleHandles[caKey, default: []].popLast() ?? newHandle(caFile: caKey.isEmpty ? nil : caKey)
        let transfer = Transfer(request: request, completion: completion, fresh: fresh, caKey: caKey, host: host)
        let context = Unmanaged.passRetained(transfer).toOpaque()
        configure(handle, request, transfer, context)
        active += 1
        let code = curl_multi_add_handle(multi, handle)
        if code != CURLM_OK {
            finish(handle, code: CURLE_FAILED_INIT, message: String(cString: curl_multi_strerror(code)))
        }
    }

    /// A handle with the options that are the same for every transfer (a handle keeps its
    /// options from one transfer to the next, and handles are reused only with the same CA file).
    private func newHandle(caFile: String?) -> UnsafeMutableRawPointer {
        let handle = curl_easy_init()!
        sb_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        sb_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.timeoutMilliseconds)
        sb_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMilliseconds)
        sb_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        sb_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { sb_easy_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        sb_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        sb_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        sb_easy_setopt_pointer(handle, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(loop).toOpaque())
        sb_easy_setopt_closesocket_callback(handle, CURLOPT_CLOSESOCKETFUNCTION) { loop, socket in
            Unmanaged<CurlSocketLoop>.fromOpaque(loop!).takeUnretainedValue().close(socket)
        }
        sb_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                data.withMemoryRebound(to: UInt8.self, capacity: length) {
                    transfer.response.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                }
            }
            return length
        }
        sb_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let length = size * count
            guard let data, length > 12 else { return length }
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                let line = UnsafeBufferPointer(start: bytes, count: length)
                if let value = CurlTransport.headerValue(named: "retry-after", in: line) { transfer.retryAfter = value }
            }
            return length
        }
        return handle
    }

    private func configure(_ handle: UnsafeMutableRawPointer, _ request: OutboundRequest, _ transfer: Transfer,
                           _ context: UnsafeMutableRawPointer) {
        // withCString passes a native string's own bytes; the implicit conversion copied them first.
        request.url.withCString { _ = sb_easy_setopt_string(handle, CURLOPT_URL, $0) }
        sb_easy_setopt_pointer(handle, CURLOPT_PRIVATE, context)
        sb_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        sb_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        sb_easy_setopt_long(handle, CURLOPT_FRESH_CONNECT, transfer.fresh ? 1 : 0)
        let headers = CurlHeaderList(request.headers, then: "Expect:")
        transfer.headers = headers
        sb_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headers.head)
        if request.method == "GET" && request.body.isEmpty {
            sb_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)
        } else {
            sb_easy_setopt_long(handle, CURLOPT_POST, 1)
            sb_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBytes { bytes in
                _ = sb_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS,
                                           UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }
        if request.method != "POST" && request.method != "GET" {
            request.method.withCString { _ = sb_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, $0) }
        } else {
            sb_easy_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, nil)
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, handle)
            finish(handle, code: code, message: code == CURLE_OK ? nil : String(cString: curl_easy_strerror(code)))
        }
    }

    private func finish(_ handle: UnsafeMutableRawPointer, code: CURLcode, message: String?) {
        var pointer: UnsafeMutableRawPointer?
        sb_easy_getinfo_pointer(handle, CURLINFO_PRIVATE, &pointer)
        let transfer = Unmanaged<Transfer>.fromOpaque(pointer!).takeRetainedValue()
        var status = 0
        sb_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        sb_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
        idleHandles[transfer.caKey, default: []].append(handle)
        active -= 1
        activeByHost[transfer.host, default: 1] -= 1
        // A kept connection the vendor had closed while it was idle, which libcurl still took for
        // alive (its check peeks at the socket, where the vendor's TLS close_notify waits): the
        // request could not be sent, so it is sent once more at once, on a new connection,
        // instead of failing an attempt.
        if code == CURLE_SEND_ERROR && !transfer.fresh && Self.reusedAConnection(handle) {
            return start(transfer.request, transfer.completion, fresh: true)
        }
        transfer.completion(TransportResult(
            status: code == CURLE_OK && status > 0 ? status : nil, body: transfer.response,
            curlCode: Int(code.rawValue), curlError: message, retryAfter: transfer.retryAfter))
        startWaiting(for: transfer.host)
    }

    /// The finished transfer went out on a kept connection (it opened none of its own).
    private static func reusedAConnection(_ handle: UnsafeMutableRawPointer) -> Bool {
        var connects = 0
        sb_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return connects == 0
    }

    /// Hands the host's next waiting transfer to libcurl, now that one of its share has finished.
    private func startWaiting(for host: Substring) {
        guard waiting > 0, let (request, completion) = waitingByHost[host]?.popFirst() else { return }
        if waitingByHost[host]?.isEmpty == true { waitingByHost[host] = nil }
        waiting -= 1
        start(request, completion)
    }

    /// `scheme://host:port` of a URL: the part libcurl keeps connections by.
    static func hostKey(_ url: String) -> Substring {
        let bytes = url.utf8
        var slashes = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "/") {
            slashes += 1
            if slashes == 3 { return url[..<index] }
        }
        return Substring(url)
    }

    /// The value of a header line (`Name: value\r\n`) when its name is `name` (lowercase), else nil.
    static func headerValue(named name: StaticString, in line: UnsafeBufferPointer<UInt8>) -> String? {
        let count = name.utf8CodeUnitCount
        guard line.count > count, line[count] == UInt8(ascii: ":") else { return nil }
        let matches = name.withUTF8Buffer { expected in
            (0..<count).allSatisfy { line[$0] | 0x20 == expected[$0] }
        }
        guard matches else { return nil }
        let value = String(decoding: UnsafeBufferPointer(rebasing: line[(count + 1)...]), as: UTF8.self)
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
