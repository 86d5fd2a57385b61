import CCurl
import Foundation

/// Drives a libcurl multi handle with `curl_multi_socket_action`: libcurl says which sockets it
/// waits on (socket callback) and when it next needs a timeout (timer callback); an epoll set
/// reports readiness, so each wake-up touches only the transfers whose sockets are ready —
/// `curl_multi_perform` would walk every transfer in flight every time.
///
/// An eventfd in the same epoll set wakes the loop for new requests and for shutdown.
///
/// A socket libcurl stops watching when a transfer ends stays in the epoll set, parked, because
/// the next transfer on that kept connection watches it again: two `epoll_ctl` calls fewer per
/// request. A parked socket that becomes ready leaves the set then; one libcurl closes leaves it
/// first (libcurl closes its sockets through ``close(_:)``, so a reused descriptor number is
/// never mistaken for a parked one).
final class CurlSocketLoop {
    private let multi: UnsafeMutableRawPointer
    private let epoll: Int32
    let wakeFD: Int32
    /// The sockets in the epoll set, and the events each is registered for.
    private var registered: [Int32: UInt32] = [:]
    /// Registered sockets that libcurl no longer watches.
    private var parked: Set<Int32> = []
    /// When libcurl next wants `CURL_SOCKET_TIMEOUT`, in monotonic nanoseconds; nil for never.
    private var timerDeadline: UInt64?
    /// What `epoll_wait` reports, kept from one turn of the loop to the next.
    private var readyFDs = [Int32](repeating: 0, count: 64)
    private var readyEvents = [UInt32](repeating: 0, count: 64)

    init(multi: UnsafeMutableRawPointer) {
        self.multi = multi
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(epoll >= 0 && wakeFD >= 0, "epoll or eventfd unavailable")
        sb_epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue)
        let me = Unmanaged.passUnretained(self).toOpaque()
        sb_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, me)
        sb_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, me)
        sb_multi_setopt_socket_callback(multi, CURLMOPT_SOCKETFUNCTION) { _, socket, what, userp, _ in
            Unmanaged<CurlSocketLoop>.fromOpaque(userp!).takeUnretainedValue().watch(socket, what)
            return 0
        }
        sb_multi_setopt_timer_callback(multi, CURLMOPT_TIMERFUNCTION) { _, timeoutMs, userp in
            let loop = Unmanaged<CurlSocketLoop>.fromOpaque(userp!).takeUnretainedValue()
            loop.timerDeadline = timeoutMs < 0 ? nil : CurlSocketLoop.now() + UInt64(timeoutMs) * 1_000_000
            return 0
        }
    }

    deinit {
        Glibc.close(epoll)
        Glibc.close(wakeFD)
    }

    /// Wakes `runOnce` from another thread.
    func wake() { sb_eventfd_signal(wakeFD) }

    /// Waits for readiness (at most `maxWait` milliseconds, or until woken) and lets libcurl act
    /// on it; afterwards finished transfers can be read with `curl_multi_info_read`.
    func runOnce(maxWaitMilliseconds maxWait: Int32) {
        var stillRunning: Int32 = 0
        var wait = maxWait
        if let deadline = timerDeadline {
            let now = Self.now()
            wait = deadline <= now ? 0 : min(wait, Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max))))
        }
        let count = Int(sb_epoll_wait(epoll, &readyFDs, &readyEvents, Int32(readyFDs.count), wait))
        let fds = readyFDs, events = readyEvents
        for i in 0..<max(count, 0) {
            if fds[i] == wakeFD {
                sb_eventfd_drain(wakeFD)
                continue
            }
            if parked.remove(fds[i]) != nil {
                // An idle kept connection the server wrote to or closed: libcurl sees it at its next reuse.
                unregister(fds[i])
                continue
            }
            var flags = 0
            if events[i] & EPOLLIN.rawValue != 0 { flags |= Int(CURL_CSELECT_IN) }
            if events[i] & EPOLLOUT.rawValue != 0 { flags |= Int(CURL_CSELECT_OUT) }
            if events[i] & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { flags |= Int(CURL_CSELECT_ERR) }
            curl_multi_socket_action(multi, fds[i], Int32(flags), &stillRunning)
        }
        if let deadline = timerDeadline, deadline <= Self.now() {
            timerDeadline = nil
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &stillRunning)
        }
    }

    private func watch(_ socket: curl_socket_t, _ code: Int32) {
        let what = Int(code)
        if what == CURL_POLL_REMOVE {
            if registered[socket] != nil { parked.insert(socket) }
            return
        }
        var interest: UInt32 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { interest |= EPOLLIN.rawValue }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { interest |= EPOLLOUT.rawValue }
        parked.remove(socket)
        switch registered[socket] {
        case nil:
            sb_epoll_ctl(epoll, EPOLL_CTL_ADD, socket, interest)
        case interest:
            return
        default:
            sb_epoll_ctl(epoll, EPOLL_CTL_MOD, socket, interest)
        }
        registered[socket] = interest
    }

    private func unregister(_ socket: curl_socket_t) {
        if registered.removeValue(forKey: socket) != nil { sb_epoll_ctl(epoll, EPOLL_CTL_DEL, socket, 0) }
    }

    /// Closes a socket of libcurl's (its `CURLOPT_CLOSESOCKETFUNCTION`), leaving the epoll set first.
    func close(_ socket: curl_socket_t) -> Int32 {
        parked.remove(socket)
        unregister(socket)
        return Glibc.close(socket)
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
