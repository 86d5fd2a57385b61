import Foundation
import SwitchboardCore

/// Fires many short deadlines from one thread, so a forward wait costs no timer or task of its
/// own. Deadlines are kept in arrival order per duration, which is also their firing order.
/// A deadline fires up to ``slack`` late, so that under load one wake-up fires a batch of them.
/// One per process (``shared``): its thread lives as long as the process.
final class DeadlineTimer: @unchecked Sendable {
    static let shared = DeadlineTimer()
    /// How late a deadline may fire, in nanoseconds.
    static let slack: UInt64 = 5_000_000

    private struct Entry {
        let due: UInt64
        let fire: @Sendable () -> Void
    }

    private let condition = NSCondition()
    /// One queue per distinct duration (routes have few), each sorted by `due`.
    private var queues: [Int64: [Entry]] = [:]
    private var heads: [Int64: Int] = [:]

    private init() {
        startThread(named: "sb-deadlines") { [self] in run() }
    }

    /// Calls `fire` once `duration` has passed (on the timer's thread; it must be quick).
    func schedule(after duration: Duration, _ fire: @escaping @Sendable () -> Void) {
        let nanos = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        condition.lock()
        let wasEmpty = queues.values.allSatisfy(\.isEmpty)
        queues[nanos, default: []].append(Entry(due: Self.now() + UInt64(max(nanos, 0)), fire: fire))
        if wasEmpty { condition.signal() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            var due: [@Sendable () -> Void] = []
            var next: UInt64 = .max
            let now = Self.now()
            for key in Array(queues.keys) {
                var head = heads[key, default: 0]
                let queue = queues[key]!
                while head < queue.count, queue[head].due <= now {
                    due.append(queue[head].fire)
                    head += 1
                }
                if head == queue.count {
                    queues[key] = []
                    heads[key] = 0
                } else {
                    if head > 4096 {
                        queues[key] = Array(queue[head...])
                        head = 0
                    }
                    heads[key] = head
                    next = min(next, queues[key]![head].due)
                }
            }
            if due.isEmpty {
                if next == .max {
                    condition.wait()
                } else {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(next - now + Self.slack) / 1e9))
                }
            }
            condition.unlock()
            for fire in due { fire() }
        }
    }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
