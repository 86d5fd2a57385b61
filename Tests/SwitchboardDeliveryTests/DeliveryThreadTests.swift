import Foundation
@testable import SwitchboardDelivery
import Testing

@Suite struct DeliveryThreadTests {
    @Test func timersComeOutEarliestFirstAndOnlyOnceDue() {
        let order = Recorder()
        var heap = TimerHeap()
        for (deadline, label) in [(30, "c"), (10, "a"), (20, "b1"), (20, "b2"), (40, "d")] {
            heap.insert(deadline: UInt64(deadline)) { order.add(label) }
        }
        #expect(heap.popDue(now: 9) == nil, "nothing is due before the earliest deadline")
        while let work = heap.popDue(now: 35) { work() }
        #expect(order.labels == ["a", "b1", "b2", "c"], "equal deadlines keep the order they were added in")
        #expect(heap.count == 1 && heap.nextDeadline == 40)
    }

    /// Work handed over at once runs before timers that fall due after it was handed over.
    @Test func workRunsOnTheThreadInTheOrderItBecameReady() {
        let order = Recorder()
        let done = DispatchSemaphore(value: 0)
        DeliveryThread.shared.async { order.add("now") }
        DeliveryThread.shared.async(afterMilliseconds: 60) { order.add("late"); done.signal() }
        DeliveryThread.shared.async(afterMilliseconds: 20) { order.add("soon") }
        done.wait()
        #expect(order.labels == ["now", "soon", "late"])
    }
}

private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    func add(_ label: String) { lock.withLock { recorded.append(label) } }
    var labels: [String] { lock.withLock { recorded } }
}
