import Foundation
import SwitchboardCore

/// One thread, of the delivery side's own, that runs work at once or at a deadline: deliveries
/// waiting for their rate-limit slot, and what follows a committed outcome on a local journal (the
/// user's next delivery). On the shared dispatch pool that work queued behind a burst's request
/// handling (a paced target drained at 97–98 % of its rate after a burst; now 99 %); a thread of
/// its own gets its share of the core from the scheduler.
///
/// Work must be short and must not block: everything after it waits.
final class DeliveryThread: @unchecked Sendable {
    typealias Work = @Sendable () -> Void

    /// The process's one delivery thread (it lives as long as the process).
    static let shared = DeliveryThread(name: "sb-delivery")

    private let condition = NSCondition()
    /// Work to run at once, with when it was handed over: it and the timers that are due run in
    /// the order they became ready.
    private var ready = FIFOQueue<(since: UInt64, work: Work)>()
    private var timers = TimerHeap()

    private init(name: String) {
        startThread(named: name) { [self] in run() }
    }

    /// Runs `work` on the thread as soon as it is free.
    func async(_ work: @escaping Work) {
        let now = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        ready.append((now, work))
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on the thread once `milliseconds` have passed.
    func async(afterMilliseconds milliseconds: Int, _ work: @escaping Work) {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, milliseconds)) * 1_000_000
        condition.lock()
        timers.insert(deadline: deadline, work)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            var next: Work?
            while next == nil {
                let now = DispatchTime.now().uptimeNanoseconds
                if let since = ready.first?.since, since <= timers.nextDeadline ?? .max {
                    next = ready.popFirst()?.work
                } else if let due = timers.popDue(now: now) {
                    next = due
                } else if let deadline = timers.nextDeadline {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
                } else {
                    condition.wait()
                }
            }
            condition.unlock()
            next?()
        }
    }
}

/// Work by deadline (monotonic nanoseconds), earliest first; equal deadlines in the order added.
struct TimerHeap {
    private var items: [(deadline: UInt64, order: UInt64, work: DeliveryThread.Work)] = []
    private var added: UInt64 = 0

    var nextDeadline: UInt64? { items.first?.deadline }
    var count: Int { items.count }

    mutating func insert(deadline: UInt64, _ work: @escaping DeliveryThread.Work) {
        added += 1
        items.append((deadline, added, work))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest work if its deadline is `now` or earlier, removed.
    mutating func popDue(now: UInt64) -> DeliveryThread.Work? {
        guard let first = items.first, first.deadline <= now else { return nil }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, precedes(left, smallest) { smallest = left }
            if right < items.count, precedes(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return first.work
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        (items[a].deadline, items[a].order) < (items[b].deadline, items[b].order)
    }
}
