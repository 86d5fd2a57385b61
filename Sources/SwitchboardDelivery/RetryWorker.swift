import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

/// Polls the journal for pending deliveries whose next attempt is due and attempts them. After a
/// restart this is what resumes deliveries that were pending or interrupted.
public struct RetryWorker: Service {
    let journal: any Journal
    let dispatcher: Dispatcher
    let clock: any SwitchboardClock
    let interval: Duration
    let batchSize: Int
    /// How long after its acceptance an event is still retried; then it is dead-lettered.
    let retryWindow: Duration
    /// On a shared journal, how long a claimed delivery is this instance's: longer than an attempt takes.
    let lease: Duration
    let logger: Logger
    /// Lines whose next delivery is due and is to be started at once.
    private let linesToFollow = LinesToFollow()

    public init(journal: any Journal, dispatcher: Dispatcher, clock: any SwitchboardClock,
                interval: Duration = .milliseconds(250), batchSize: Int = 256, retryWindow: Duration = .seconds(72 * 3600),
                lease: Duration = .seconds(15), logger: Logger) {
        self.journal = journal
        self.dispatcher = dispatcher
        self.clock = clock
        self.interval = interval
        self.batchSize = batchSize
        self.retryWindow = retryWindow
        self.lease = lease
        self.logger = logger
    }

    /// The least time between two polls. Under load a settled delivery wakes the worker many
    /// times a second, and each poll is a query that reads past the deliveries in flight (a
    /// rate-limited target holds up to a second of them), on a shared journal one on the
    /// database server.
    static let pollSpacing: Duration = .milliseconds(20)

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            let started = ContinuousClock.now
            runOnce()
            await dispatcher.wakeup.wait(timeout: interval)
            if ContinuousClock.now - started < Self.pollSpacing {
                try? await Task.sleep(until: started + Self.pollSpacing)
            }
        }
    }

    /// Attempts every delivery due now (one batch); returns how many were started.
    @discardableResult
    public func runOnce() -> Int {
        let due: [DueDelivery]
        do {
            let now = clock.now()
            // Paced targets with more than half the horizon's slots handed out are left alone for
            // now (`bookedTargets`); when that is every target, there is nothing to ask the journal.
            let booked = dispatcher.bookedTargets(now: now)
            if !booked.isEmpty, booked.isSuperset(of: dispatcher.targets.load().keys) { return 0 }
            // No more than the dispatcher has room for: the rest would only be turned away.
            let room = dispatcher.room
            guard room > 0 else { return 0 }
            due = try journal.claimDue(now: now, limit: min(batchSize, room), excluding: dispatcher.inFlightIds,
                                       skippingTargets: booked, leaseUntil: leaseEnd(now))
        } catch {
            logger.error("could not read due deliveries", metadata: ["sb.error": "\(error)"])
            return 0
        }
        if due.isEmpty { dispatcher.noteNothingDue() }
        for delivery in due { start(delivery) }
        return due.count
    }
}

extension RetryWorker {
    /// Attempts one due delivery; once it has settled, the next delivery of the same user to the
    /// same target follows at once (without waiting for the next poll), so a user's queue drains
    /// one event after another.
    func start(_ delivery: DueDelivery) {
        let windowMs = retryWindow.components.seconds * 1000
        let now = clock.now()
        if delivery.attempts > 0, now.milliseconds - delivery.receivedAt.milliseconds > windowMs {
            dispatcher.giveUp(deliveryId: delivery.deliveryId, target: delivery.target, previousAttempts: delivery.attempts,
                              reason: "retry window of \(windowMs / 3_600_000) h passed after \(delivery.attempts) attempts; last: \(delivery.lastError ?? "-")")
            return
        }
        // A batch can hold more of a rate-limited target than its horizon has slots for: the
        // rest stay due in the journal, without parsing and building their requests first.
        if dispatcher.isBooked(delivery.target, now: now) { return }
        guard let target = dispatcher.targets.load()[delivery.target] else {
            dispatcher.giveUp(deliveryId: delivery.deliveryId, target: delivery.target, previousAttempts: delivery.attempts,
                              reason: "config: no target named '\(delivery.target)'")
            return
        }
        do {
            let event = try JSONParser.parse(delivery.canonical)
            let request = try target.request(for: event)
            // The line, not the delivery: the closure is kept while the attempt is in flight.
            let line = delivery.userId.map { LinesToFollow.Line(target: delivery.target, userId: $0) }
            dispatcher.attempt(deliveryId: delivery.deliveryId, target: target, request: request,
                               previousAttempts: delivery.attempts, readFromJournal: true) { _ in } onLineMovedOn: {
                guard let line, linesToFollow.note(line) else { return }
                scheduleFollowing()
            }
        } catch let error as MappingError {
            dispatcher.giveUp(deliveryId: delivery.deliveryId, target: target.name,
                              previousAttempts: delivery.attempts, reason: "mapping: \(error)")
        } catch {
            dispatcher.giveUp(deliveryId: delivery.deliveryId, target: target.name,
                              previousAttempts: delivery.attempts, reason: "journal: the stored event is not valid JSON")
        }
    }

    private func leaseEnd(_ now: Instant) -> Instant {
        Instant(milliseconds: now.milliseconds + lease.components.seconds * 1000)
    }

    /// Off the journal's writer thread, where `onLineMovedOn` runs: following a line reads the
    /// journal and builds a request, and on the writer that held up every append behind it. A
    /// local journal's read is quick: on the delivery thread, not queued behind intake. A shared
    /// one's is a round trip to the server: on the pool, many at a time.
    private func scheduleFollowing() {
        if journal.isShared {
            DispatchQueue.global().async {
                for line in linesToFollow.take() { DispatchQueue.global().async { startNext(line) } }
            }
        } else {
            DeliveryThread.shared.async {
                for line in linesToFollow.take() { startNext(line) }
            }
        }
    }

    private func startNext(_ line: LinesToFollow.Line) {
        guard !Task.isShuttingDownGracefully else { return }
        do {
            // One already in flight is not sent twice: the dispatcher's claim refuses it.
            let now = clock.now()
            guard let next = try journal.claimHeadOfLine(target: line.target, userId: line.userId, now: now,
                                                         leaseUntil: leaseEnd(now)) else { return }
            start(next)
        } catch {
            logger.error("could not read the next delivery of a user", metadata: ["sb.error": "\(error)"])
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool {
        Task.isCancelled || Task.isShuttingDownGracefully
    }
}
