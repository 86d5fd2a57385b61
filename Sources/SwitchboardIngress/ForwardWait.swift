import SwitchboardDelivery
import Synchronization

/// The first of: the primary target's answer, or the route's deadline; handed on once.
/// One per forwarded request: its lock is a `Mutex` kept inline, where an `NSLock` was two more
/// allocations.
final class ForwardWait: Sendable {
    enum Outcome: Sendable {
        case answered(Dispatcher.Attempt)
        case deadlinePassed
    }

    private let onOutcome: Mutex<(@Sendable (Outcome) -> Void)?>

    private init(onOutcome: @escaping @Sendable (Outcome) -> Void) {
        self.onOutcome = Mutex(onOutcome)
    }

    /// Hands `outcome` on if it is the first; later ones are ignored.
    func resume(_ outcome: Outcome) {
        let first = onOutcome.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        first?(outcome)
    }

    /// Arms the deadline (kept by `timer`), then starts the attempt through `start`, which
    /// resumes the wait with the answer; `onOutcome` gets whichever comes first.
    static func start(
        deadline: Duration, timer: DeadlineTimer, onOutcome: @escaping @Sendable (Outcome) -> Void,
        attempt start: (ForwardWait) -> Void
    ) {
        let wait = ForwardWait(onOutcome: onOutcome)
        timer.schedule(after: deadline) { wait.resume(.deadlinePassed) }
        start(wait)
    }
}
