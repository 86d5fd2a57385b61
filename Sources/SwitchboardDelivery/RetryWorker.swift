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
    let logger: Logger

    public init(journal: any Journal, dispatcher: Dispatcher, clock: any SwitchboardClock,
                interval: Duration = .milliseconds(250), batchSize: Int = 256, retryWindow: Duration = .seconds(72 * 3600),
                logger: Logger) {
        self.journal = journal
        self.dispatcher = dispatcher
        self.clock = clock
        self.interval = interval
        self.batchSize = batchSize
        self.retryWindow = retryWindow
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            runOnce()
            try? await Task.sleep(for: interval)
        }
    }

    /// Attempts every delivery due now (one batch); returns how many were started.
    @discardableResult
    public func runOnce() -> Int {
        let due: [DueDelivery]
        do {
            due = try journal.dueDeliveries(now: clock.now(), limit: batchSize, excluding: dispatcher.inFlightIds)
        } catch {
            logger.error("could not read due deliveries", metadata: ["sb.error": "\(error)"])
            return 0
        }
        let targets = dispatcher.targets.load()
        let windowMs = retryWindow.components.seconds * 1000
        let now = clock.now()
        for delivery in due {
            if delivery.attempts > 0, now.milliseconds - delivery.receivedAt.milliseconds > windowMs {
                dispatcher.giveUp(deliveryId: delivery.deliveryId, target: delivery.target, previousAttempts: delivery.attempts,
                                  reason: "retry window of \(windowMs / 3_600_000) h passed after \(delivery.attempts) attempts; last: \(delivery.lastError ?? "-")")
                continue
            }
            guard let target = targets[delivery.target] else {
                dispatcher.giveUp(deliveryId: delivery.deliveryId, target: delivery.target,
                                  previousAttempts: delivery.attempts,
                                  reason: "config: no target named '\(delivery.target)'")
                continue
            }
            do {
                let event = try JSONParser.parse(delivery.canonical)
                let request = try target.request(for: event)
                dispatcher.attempt(deliveryId: delivery.deliveryId, target: target, request: request,
                                   previousAttempts: delivery.attempts)
            } catch let error as MappingError {
                dispatcher.giveUp(deliveryId: delivery.deliveryId, target: target.name,
                                  previousAttempts: delivery.attempts, reason: "mapping: \(error)")
            } catch {
                dispatcher.giveUp(deliveryId: delivery.deliveryId, target: target.name,
                                  previousAttempts: delivery.attempts, reason: "journal: the stored event is not valid JSON")
            }
        }
        return due.count
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool {
        Task.isCancelled || Task.isShuttingDownGracefully
    }
}
