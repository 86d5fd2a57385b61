import Foundation
import SwitchboardDelivery

/// The first of: the primary target's answer, or the route's deadline; handed on once.
final class ForwardWait: @unchecked Sendable {
    enum Outcome: Sendable {
        case answered(Dispatcher.Attempt)
        case deadlinePassed
    }

    private let lock = NSLock()
    private var onOutcome: (@Sendable (Outcome) -> Void)?

    private init(onOutcome: @escaping @Sendable (Outcome) -> Void) {
        self.onOutcome = onOutcome
    }

    /// Hands `outcome` on if it is the first; later ones are ignored.
    func resume(_ outcome: Outcome) {
        lock.lock()
        let first = onOutcome
        onOutcome = nil
        lock.unlock()
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
