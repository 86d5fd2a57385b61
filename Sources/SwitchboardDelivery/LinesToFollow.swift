import Foundation

/// The users' lines whose next delivery became due when an earlier one settled, waiting to be
/// followed (their next delivery started without waiting for the retry worker's next poll). A
/// line noted again before it was followed is kept once, so what waits here is bounded by the
/// lines, not by the settles: after an outage the retry worker settles thousands of deliveries a
/// second, and one follow-up queued per settle piled up faster than they were run, each holding
/// its delivery's event.
final class LinesToFollow: @unchecked Sendable {
    struct Line: Hashable {
        let target: String
        let userId: String
    }

    private let lock = NSLock()
    private var order: [Line] = []
    private var noted: Set<Line> = []
    private var passScheduled = false

    /// Notes that `line` moved on. True when no pass over the noted lines is scheduled yet: the
    /// caller schedules one (which calls ``take()``).
    func note(_ line: Line) -> Bool {
        lock.withLock {
            guard noted.insert(line).inserted else { return false }
            order.append(line)
            defer { passScheduled = true }
            return !passScheduled
        }
    }

    /// The lines noted since the last pass, in the order they were noted; a line noted after this
    /// schedules the next pass.
    func take() -> [Line] {
        var lines: [Line] = []
        lock.withLock {
            swap(&lines, &order)
            noted.removeAll(keepingCapacity: true)
            passScheduled = false
        }
        return lines
    }
}
