import Foundation
import Logging
import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

/// Makes delivery attempts: sends, classifies the result, records the outcome in the journal, and
/// tells whoever waits (the app's request in forward mode).
///
/// It remembers which deliveries are in flight until their outcome is committed, so the retry
/// worker never sends one twice at once.
public final class Dispatcher: @unchecked Sendable {
    /// One attempt's result as the caller sees it.
    public struct Attempt: Sendable {
        public let verdict: Verdict
        public let status: Int?
    }

    /// The targets in force; replaced whole when the configuration is reloaded.
    public let targets: Snapshot<[String: DeliveryTarget]>
    private let journal: any Journal
    private let transport: CurlTransport
    private let backoff: Backoff
    private let clock: any SwitchboardClock
    private let logger: Logger
    private let lock = NSLock()
    private var inFlight: Set<Int64> = []
    /// Deliveries whose final outcome (delivered or dead) is known but not yet committed.
    private var settled: Set<Int64> = []
    /// What to call once an attempt's final outcome is committed and the next delivery in its
    /// user's line is due, by delivery.
    private var onLineMovedOn: [Int64: @Sendable () -> Void] = [:]
    /// Set when the gateway left a delivery waiting behind an earlier one of its user; cleared by
    /// the worker when it finds nothing due.
    private var followersWaiting = false
    /// Signalled when a delivery that others may wait behind has its outcome committed.
    public let wakeup = Wakeup()
    /// Targets that answered with `Retry-After`, and until when nothing is sent to them.
    private var pausedUntil: [String: Instant] = [:]
    /// One circuit breaker per target, made from `breakerTemplate` on first use.
    private var breakers: [String: CircuitBreaker] = [:]
    /// The settings every target's breaker starts from.
    public var breakerTemplate = CircuitBreaker()
    /// Where deliveries, retries and dead letters are counted.
    public var metrics: any EventMetrics = NoMetrics()
    /// The longest `Retry-After` honoured.
    public var retryAfterCapMilliseconds: Int64 = 3_600_000
    /// The most deliveries in flight at once (sending, or waiting in memory for a rate-limit
    /// slot or a connection). Past it a delivery stays in the journal and the retry worker takes
    /// it later, so a backlog spread over many users does not pile up requests in memory.
    public var maxInFlight = 4096

    /// What `attempt` makes of a delivery it is asked to send.
    private enum Claim {
        case claimed, taken, busy, busyReleasingLease
    }

    /// One pacer per rate-limited target, and the slots deliveries have reserved and wait for.
    private var pacers: [String: RatePacer] = [:]
    private var reservations: [Int64: Instant] = [:]

    public init(
        targets: Snapshot<[String: DeliveryTarget]>, journal: any Journal, transport: CurlTransport, backoff: Backoff,
        clock: any SwitchboardClock, logger: Logger
    ) {
        self.targets = targets
        self.journal = journal
        self.transport = transport
        self.backoff = backoff
        self.clock = clock
        self.logger = logger
    }

    /// True when the final outcome of delivery `id` is known but not yet in the journal.
    public func isSettled(_ id: Int64) -> Bool {
        lock.withLock { settled.contains(id) }
    }

    /// Notes that a delivery was left waiting behind an earlier one of its user.
    public func noteFollowerWaiting() {
        lock.withLock { followersWaiting = true }
    }

    /// Notes that the worker found nothing due.
    public func noteNothingDue() {
        lock.withLock { followersWaiting = false }
    }

    /// The deliveries being attempted right now.
    public var inFlightIds: Set<Int64> {
        lock.withLock { inFlight }
    }

    /// How many more deliveries may be started before ``maxInFlight`` is reached.
    public var room: Int {
        lock.withLock { max(0, maxInFlight - inFlight.count) }
    }

    /// Waits until no attempt is in flight or `timeout` has passed; returns how many were still in
    /// flight then (those stay pending in the journal and are resumed by the next start).
    public func drain(timeout: Duration) async -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if lock.withLock({ inFlight.isEmpty }) { return 0 }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return lock.withLock { inFlight.count }
    }

    /// The idempotency key of a delivery: the same on every attempt, different for every event
    /// and target, and never repeated by another journal, so a vendor (or the mocks) can recognise
    /// a request sent again after a crash.
    public func idempotencyKey(deliveryId: Int64) -> String {
        "sb-\(journal.journalId)-\(deliveryId)"
    }

    /// Sends one attempt of delivery `deliveryId`, whose earlier attempts number `previousAttempts`,
    /// with an `Idempotency-Key` header. `onResult` runs as soon as the vendor has answered (before
    /// the outcome is committed); `onLineMovedOn` once a final outcome (delivered or dead) is in
    /// the journal and made the next delivery of the same user to the same target due. It runs
    /// on the journal's writer thread and must be quick: every write waits behind it.
    public func attempt(
        deliveryId: Int64, target: DeliveryTarget, request: OutboundRequest, previousAttempts: Int,
        readFromJournal: Bool = false, onResult: (@Sendable (Attempt) -> Void)? = nil,
        onLineMovedOn: (@Sendable () -> Void)? = nil
    ) {
        let holdsLease = !readFromJournal || journal.isShared
        let claim = lock.withLock { () -> Claim in
            guard inFlight.count < maxInFlight else {
                // A leased one is claimed all the same, until the write below has made it due:
                // the claim keeps the retry worker from taking it meanwhile.
                return holdsLease && inFlight.insert(deliveryId).inserted ? .busyReleasingLease : .busy
            }
            return inFlight.insert(deliveryId).inserted ? .claimed : .taken
        }
        switch claim {
        case .claimed:
            break
        case .taken:
            return
        case .busy:
            // Due in the journal (or already in flight): the retry worker takes it when there is room.
            onResult?(Attempt(verdict: .retry("busy"), status: nil))
            return
        case .busyReleasingLease:
            // Its first attempt, made on arrival, holds a lease: until it ended nobody else could
            // take the delivery. So it is made due now.
            onResult?(Attempt(verdict: .retry("busy"), status: nil))
            postpone(deliveryId: deliveryId, target: target.name, attempts: previousAttempts, until: clock.now(),
                     reason: "busy: \(maxInFlight) deliveries in flight")
            return
        }
        // A delivery read from the journal a moment ago may have settled, or been tried again,
        // since (an attempt ended between the read and the claim): with the claim held, the
        // journal's word is final. Sent on a stale read, it would be tried before its backoff and
        // its attempts miscounted.
        if readFromJournal, (try? journal.pendingAttempts(deliveryId: deliveryId)) != previousAttempts {
            _ = lock.withLock { inFlight.remove(deliveryId) }
            return
        }
        if let onLineMovedOn { lock.withLock { self.onLineMovedOn[deliveryId] = onLineMovedOn } }
        proceed(deliveryId: deliveryId, target: target, request: request, previousAttempts: previousAttempts,
                holdsLease: holdsLease, onResult: onResult)
    }

    /// The rest of an attempt once the delivery is claimed: a pause, the breaker and the rate
    /// limit may hold it back; otherwise it is sent. Also where a delivery that waited for its
    /// rate-limit slot resumes.
    private func proceed(
        deliveryId: Int64, target: DeliveryTarget, request: OutboundRequest, previousAttempts: Int, holdsLease: Bool,
        onResult: (@Sendable (Attempt) -> Void)?
    ) {
        let now = clock.now()
        let (paused, permit) = lock.withLock { () -> (Instant?, CircuitBreaker.Permit) in
            if let until = pausedUntil[target.name], until > now { return (until, .send) }
            return (nil, breakers[target.name, default: breakerTemplate].permit(now: now))
        }
        if let paused {
            // The vendor asked for quiet: do not send, wait for the pause to end.
            onResult?(Attempt(verdict: .retry("paused"), status: nil))
            postpone(deliveryId: deliveryId, target: target.name, attempts: previousAttempts, until: paused,
                     reason: "paused: \(target.name) asked to wait (Retry-After)")
            return
        }
        if case .wait(let until) = permit {
            // The target looks down: leave the vendor alone until the breaker lets a probe through.
            onResult?(Attempt(verdict: .retry("circuit open"), status: nil))
            postpone(deliveryId: deliveryId, target: target.name, attempts: previousAttempts, until: until,
                     reason: "circuit open: \(target.name) is failing; waiting for a probe to succeed")
            return
        }
        if let limit = target.rateLimit {
            switch pace(deliveryId: deliveryId, target: target.name, limit: limit, requests: request.then == nil ? 1 : 2, now: now) {
            case .now:
                break
            case .at(let slot):
                // A slot within the horizon: wait for it here, holding the claim.
                let delay = Int(max(0, slot.milliseconds - now.milliseconds))
                DeliveryThread.shared.async(afterMilliseconds: delay) { [self] in
                    proceed(deliveryId: deliveryId, target: target, request: request, previousAttempts: previousAttempts,
                            holdsLease: holdsLease, onResult: onResult)
                }
                return
            case .booked:
                // The allowance is spoken for past the horizon: the delivery waits in the journal
                // and is claimed once slots free up; nothing is kept in memory, so a backlog of any
                // size costs no RAM. One that was due stays as it is. One held by a lease (the
                // attempt made on arrival, a claim on a shared journal) is made due now, with one
                // write: otherwise nobody may claim it until the lease ends, and in a burst that
                // left whole seconds of the target's slots unused.
                onResult?(Attempt(verdict: .retry("rate limit"), status: nil))
                lock.withLock {
                    self.onLineMovedOn[deliveryId] = nil
                    // Released now, or once the write commits.
                    if !holdsLease { inFlight.remove(deliveryId) }
                }
                if holdsLease {
                    postpone(deliveryId: deliveryId, target: target.name, attempts: previousAttempts, until: now,
                             reason: "rate limit: \(target.name)'s slots are taken for the next second")
                }
                return
            }
        }
        let started = clock.now()
        send(request, key: idempotencyKey(deliveryId: deliveryId), target: target) { [self] result, verdict in
            if verdict.isFinal { _ = lock.withLock { settled.insert(deliveryId) } }
            noteForBreaker(verdict, status: result.status, target: target.name, probe: permit == .probe)
            onResult?(Attempt(verdict: verdict, status: result.status))
            var wait: Int64?
            if case .retry = verdict, let header = result.retryAfter,
                let ms = RetryAfter.milliseconds(header, now: clock.now(), capMilliseconds: retryAfterCapMilliseconds), ms > 0
            {
                wait = ms
                let until = Instant(milliseconds: clock.now().milliseconds + ms)
                lock.withLock { pausedUntil[target.name] = max(pausedUntil[target.name] ?? until, until) }
                logger.warning("target paused by Retry-After", metadata: ["sb.target": "\(target.name)", "sb.pause_ms": "\(ms)"])
            }
            if verdict == .delivered {
                let end = clock.now()
                metrics.delivered(target: target.name, seconds: Double(end.milliseconds - started.milliseconds) / 1000)
            }
            let excerpt = verdict == .delivered ? nil : target.excerpt(result.body)
            record(verdict, status: result.status, deliveryId: deliveryId, target: target.name, attempts: previousAttempts + 1,
                   atLeast: wait, attempted: true, excerpt: excerpt)
        }
    }

    /// Sends `request` with the idempotency key and, when it is a prerequisite that succeeded,
    /// the request built from its answer; `completion` gets the last answer and its verdict (a
    /// failed prerequisite's reason names it).
    private func send(
        _ request: OutboundRequest, key: String, target: DeliveryTarget,
        completion: @escaping @Sendable (TransportResult, Verdict) -> Void
    ) {
        var request = request
        let followUp = request.then
        request.headers.append("Idempotency-Key: \(key)" + (followUp.map { "-\($0.step)" } ?? ""))
        transport.send(request) { [self] result in
            let reason = result.status.flatMap { (200..<300).contains($0) ? nil : target.vendorReason(result.body) }
            let verdict = Classifier.classify(result, vendorReason: reason)
            guard let followUp else { return completion(result, verdict) }
            switch verdict {
            case .delivered: break
            case .retry(let why): return completion(result, .retry("\(followUp.step): \(why)"))
            case .deadLetter(let why): return completion(result, .deadLetter("\(followUp.step): \(why)"))
            }
            do {
                send(try followUp.build(result.body), key: key, target: target, completion: completion)
            } catch {
                completion(result, .deadLetter("mapping: \(followUp.step)'s answer: \(error)"))
            }
        }
    }

    /// How long ahead a target's slots are handed out. Deliveries given a slot wait for it in
    /// memory; past the horizon they are left in the journal. So memory holds at most the
    /// horizon's worth of a target's allowance, whatever the backlog.
    public static let pacingHorizonMilliseconds: Double = 1000

    enum Pace {
        /// Send now (counted against the window).
        case now
        /// Wait until then (a reserved slot, or when the window has room again), then try again.
        case at(Instant)
        /// The target's slots are handed out past the horizon; leave the delivery for later.
        case booked
    }

    /// Whether delivery `deliveryId` may be sent now (its `requests` sends counted), must wait
    /// for its slot, or must wait in the journal because the target is booked past the horizon.
    private func pace(deliveryId: Int64, target: String, limit: RateLimit, requests: Int, now: Instant) -> Pace {
        lock.withLock {
            var pacer = pacers[target].flatMap { $0.limit == limit ? $0 : nil } ?? RatePacer(limit)
            defer { pacers[target] = pacer }
            if let reserved = reservations[deliveryId], reserved > now { return .at(reserved) }
            if reservations[deliveryId] == nil {
                guard pacer.bookedAhead(now: now) <= Self.pacingHorizonMilliseconds else { return .booked }
                let slot = pacer.reserve(now: now)
                for _ in 1..<requests { _ = pacer.reserve(now: now) }
                if slot > now {
                    reservations[deliveryId] = slot
                    return .at(slot)
                }
            }
            if let freeAt = pacer.admit(now: now, count: requests) {
                // Came back late and the window is full: wait for room, keeping the claim.
                reservations[deliveryId] = freeAt
                return .at(freeAt)
            }
            reservations[deliveryId] = nil
            return .now
        }
    }

    /// Targets the retry worker leaves alone for now: their slots are handed out more than half
    /// the horizon ahead. (Refilled in half-horizon steps, a paced target costs the worker a
    /// couple of polls a second, each reading past the deliveries waiting for their slots,
    /// instead of one every poll spacing.)
    public func bookedTargets(now: Instant) -> Set<String> {
        lock.withLock {
            Set(pacers.filter { $0.value.bookedAhead(now: now) > Self.pacingHorizonMilliseconds / 2 }.keys)
        }
    }

    /// Whether `target`'s slots are handed out past the horizon (a delivery to it would be left
    /// in the journal): checked before the work of building its request.
    public func isBooked(_ target: String, now: Instant) -> Bool {
        lock.withLock { (pacers[target]?.bookedAhead(now: now) ?? 0) > Self.pacingHorizonMilliseconds }
    }

    /// Tells the target's breaker how an attempt went, and logs and counts when it opens or closes.
    private func noteForBreaker(_ verdict: Verdict, status: Int?, target: String, probe: Bool) {
        let outage = CircuitBreaker.isOutage(verdict, status: status)
        let now = clock.now()
        let (changed, open) = lock.withLock { () -> (Bool, Bool) in
            var breaker = breakers[target, default: breakerTemplate]
            let changed = breaker.record(outage: outage, now: now)
            breakers[target] = breaker
            return (changed, !breaker.isClosed)
        }
        guard changed else { return }
        metrics.circuit(target: target, open: open)
        if open {
            logger.warning("circuit opened: the target looks down; only probes are sent", metadata: ["sb.target": "\(target)"])
        } else {
            logger.notice("circuit closed: the target answers again", metadata: ["sb.target": "\(target)", "sb.probe": "\(probe)"])
        }
    }

    /// Leaves a delivery pending until `until` without counting an attempt.
    private func postpone(deliveryId: Int64, target: String, attempts: Int, until: Instant, reason: String) {
        let outcome = DeliveryOutcome(deliveryId: deliveryId, state: .pending, attempts: attempts, nextAttemptAt: until,
                                      lastStatus: nil, lastError: reason, at: clock.now())
        commit(outcome)
    }

    /// Dead-letters a delivery that cannot even be attempted (e.g. its event no longer maps).
    public func giveUp(deliveryId: Int64, target: String, previousAttempts: Int, reason: String) {
        let claimed = lock.withLock { inFlight.insert(deliveryId).inserted }
        guard claimed else { return }
        guard (try? journal.isPending(deliveryId: deliveryId)) == true else {
            _ = lock.withLock { inFlight.remove(deliveryId) }
            return
        }
        record(.deadLetter(reason), status: nil, deliveryId: deliveryId, target: target, attempts: previousAttempts)
    }


    /// Records an attempt's verdict; a retry waits at least `atLeast` milliseconds (Retry-After).
    private func record(_ verdict: Verdict, status: Int?, deliveryId: Int64, target: String, attempts: Int, atLeast: Int64? = nil,
                        attempted: Bool = false, excerpt: String? = nil) {
        let now = clock.now()
        var outcome = DeliveryOutcome(deliveryId: deliveryId, state: .pending, attempts: attempts, nextAttemptAt: nil,
                                      lastStatus: status, lastError: nil, at: now)
        outcome.failedAttempt = attempted && verdict != .delivered
        outcome.excerpt = excerpt
        // Built only for a failure's log line: a delivered outcome, the usual one, logs nothing.
        func metadata(_ reason: String) -> Logger.Metadata {
            ["sb.delivery.id": "\(deliveryId)", "sb.target": "\(target)", "sb.delivery.attempt": "\(attempts)",
             "sb.reason": "\(reason)"]
        }
        switch verdict {
        case .delivered:
            outcome.state = .delivered
        case .retry(let reason):
            let delay = max(backoff.delayMilliseconds(afterAttempt: attempts), atLeast ?? 0)
            outcome.nextAttemptAt = Instant(milliseconds: now.milliseconds + delay)
            outcome.lastError = reason
            metrics.retried(target: target, errorType: ErrorType.of(reason: reason, status: status))
            var retry = metadata(reason)
            retry["sb.retry.in_ms"] = "\(delay)"
            logger.info("delivery will be retried", metadata: retry)
        case .deadLetter(let reason):
            outcome.state = .dead
            outcome.lastError = reason
            metrics.deadLettered(target: target, errorType: ErrorType.of(reason: reason, status: status))
            logger.warning("delivery dead-lettered", metadata: metadata(reason))
        }
        commit(outcome)
    }

    /// How often, and how far apart, a failed write of an outcome is tried again before the
    /// delivery is left to its lease (which sends it again: a duplicate if it was delivered).
    /// Together shorter than the shortest lease, so no other instance claims it meanwhile.
    static let recordRetries = 8
    static let recordRetryDelayMilliseconds = 400

    /// Commits an outcome, then frees the delivery for the next attempt. A journal that is away
    /// for a moment (a database restart) gets a few more tries first.
    private func commit(_ outcome: DeliveryOutcome, retry: Int = 0) {
        let deliveryId = outcome.deliveryId
        journal.record([outcome]) { [self] result in
            if case .failure(let error) = result {
                if retry < Self.recordRetries {
                    DeliveryThread.shared.async(afterMilliseconds: Self.recordRetryDelayMilliseconds) {
                        self.commit(outcome, retry: retry + 1)
                    }
                    return
                }
                logger.error("could not record a delivery outcome", metadata: ["sb.delivery.id": "\(deliveryId)", "sb.error": "\(error)"])
            }
            let (wake, then) = lock.withLock { () -> (Bool, (@Sendable () -> Void)?) in
                inFlight.remove(deliveryId)
                settled.remove(deliveryId)
                if outcome.state != .pending { reservations[deliveryId] = nil }
                return (outcome.state != .pending && followersWaiting, onLineMovedOn.removeValue(forKey: deliveryId))
            }
            if wake { wakeup.signal() }
            // Only when a next delivery is due: after an outage the retry worker settles many
            // thousands a second, mostly of users with nothing else in line.
            guard case .success(let movedOn) = result, movedOn.contains(deliveryId), let then else { return }
            then()
        }
    }
}
