import Foundation
import SwitchboardDelivery

/// Waits for the first of: the primary target's answer, or the route's deadline.
final class ForwardWait: @unchecked Sendable {
    enum Outcome: Sendable {
        case answered(Dispatcher.Attempt)
        case deadlinePassed
    }

    private let lock = NSLock()
    private var continuation: CheckedContinuation<Outcome, Never>?
    private var early: Outcome?

    /// Resumes the waiter with the first outcome; later ones are ignored.
    func resume(_ outcome: Outcome) {
        lock.lock()
        if let continuation {
            self.continuation = nil
            lock.unlock()
            continuation.resume(returning: outcome)
        } else {
            if early == nil { early = outcome }
            lock.unlock()
        }
    }

    /// Starts the attempt through `start` and waits up to `deadline` (kept by `timer`) for it to answer.
    func wait(deadline: Duration, timer: DeadlineTimer, start: () -> Void) async -> Outcome {
        timer.schedule(after: deadline) { self.resume(.deadlinePassed) }
        return await withCheckedContinuation { continuation in
            lock.lock()
            if let early {
                lock.unlock()
                continuation.resume(returning: early)
                return
            }
            self.continuation = continuation
            lock.unlock()
            start()
        }
    }
}
