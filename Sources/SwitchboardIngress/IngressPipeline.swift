import Logging
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import SwitchboardMapping

/// Receive → authenticate → decode → encode → journal → deliver → answer, for every route.
public struct IngressPipeline: Sendable {
    /// The routes in force; replaced whole when the configuration is reloaded.
    public let routes: Snapshot<[InboundRoute]>
    let journal: any Journal
    let dispatcher: Dispatcher
    let clock: any SwitchboardClock
    /// Where mappings read `now` (a fixed clock makes examples and tests reproducible).
    let mappingClock: any SwitchboardClock
    /// How long an attempt may take before the retry worker may take the delivery over.
    let attemptLeaseMilliseconds: Int64
    let logger: Logger
    /// Where accepted and rejected requests are counted.
    public var metrics: any EventMetrics = NoMetrics()

    public init(routes: Snapshot<[InboundRoute]>, journal: any Journal, dispatcher: Dispatcher, clock: any SwitchboardClock,
                mappingClock: any SwitchboardClock, attemptLease: Duration, logger: Logger) {
        self.routes = routes
        self.journal = journal
        self.dispatcher = dispatcher
        self.clock = clock
        self.mappingClock = mappingClock
        attemptLeaseMilliseconds = attemptLease.components.seconds * 1000
            + attemptLease.components.attoseconds / 1_000_000_000_000_000
        self.logger = logger
    }

    /// The largest body any route accepts.
    public var maxBodyBytes: Int { routes.load().reduce(0) { max($0, $1.endpoint.maxBodyBytes) } }

    public func handle(_ request: InboundRequest) async -> InboundAnswer {
        var pathMatched: InboundRoute?
        let routes = self.routes.load()
        for route in routes {
            guard let parameters = route.match(request.path) else { continue }
            guard route.endpoint.method == request.method else {
                pathMatched = route
                continue
            }
            let started = ContinuousClock.now
            defer {
                let elapsed = ContinuousClock.now - started
                metrics.answered(route: route.name, seconds: Double(elapsed.components.attoseconds) / 1e18
                                 + Double(elapsed.components.seconds))
            }
            do {
                return try await handle(request, route: route, parameters: parameters)
            } catch {
                metrics.rejected(route: route.name, errorType: error.kind.rawValue)
                logger.debug("request rejected", metadata: ["sb.route": "\(route.name)", "sb.error.kind": "\(error.kind)"])
                return route.provider.answer(for: error)
            }
        }
        if let route = pathMatched {
            return route.provider.answer(for: IngressError(.methodNotAllowed, "Method \"\(request.method)\" not allowed."))
        }
        let prefixed = routes.first { !$0.prefix.isEmpty && request.path.hasPrefix($0.prefix + "/") }
        guard let provider = (prefixed ?? routes.first)?.provider else { return InboundAnswer(status: 404, body: Array("{}".utf8)) }
        return provider.answer(for: IngressError(.notFound, "Not found."))
    }

    private func handle(_ request: InboundRequest, route: InboundRoute, parameters: [(String, String)])
        async throws(IngressError) -> InboundAnswer
    {
        let claims = try route.authenticate(request, now: clock.now())
        if let list = route.endpoint.list {
            let query = try route.eventQuery(request, parameters: parameters, auth: claims, list: list)
            let page: EventPage
            do {
                page = try journal.events(matching: query)
            } catch {
                logger.error("could not list events", metadata: ["sb.route": "\(route.name)", "sb.error": "\(error)"])
                throw IngressError(.unavailable, "The events could not be read; try again later.")
            }
            return try route.listAnswer(page, list: list)
        }
        guard let primary = route.primary else { throw IngressError(.internalError, "The route has no target.") }
        let translation = try route.translate(request, parameters: parameters, clock: mappingClock, auth: claims)
        let now = clock.now()
        let targets = route.targets
        let newEvents = translation.events.map { translated in
            var event = NewEvent(
                route: route.name, source: route.provider.id, name: translated.event["event"]?.stringValue,
                userId: translated.event["userId"]?.stringValue, receivedAt: now,
                canonical: JSONWriter.bytes(.object(translated.event)), targets: targets.map(\.name),
                firstAttemptDue: Instant(milliseconds: now.milliseconds + attemptLeaseMilliseconds))
            if targets.contains(where: { !($0.provider.send?.rules.isEmpty ?? true) }) {
                event.gates = targets.map { $0.gate(for: .object(translated.event)) }
            }
            return event
        }
        let appendedEvents: [AppendedEvent]
        do {
            appendedEvents = try await journal.append(newEvents)
        } catch is JournalFull {
            // Nothing already accepted is touched; intake resumes once pruning frees space.
            logger.warning("journal full: refusing new events", metadata: ["sb.route": "\(route.name)"])
            var full = IngressError(.unavailable, "The gateway's storage is full; try again later.")
            full.retryAfterSeconds = 30
            throw full
        } catch {
            logger.error("could not journal an event", metadata: ["sb.route": "\(route.name)", "sb.error": "\(error)"])
            throw IngressError(.unavailable, "The event could not be stored; try again later.")
        }
        metrics.journaled(route: route.name, count: appendedEvents.count)
        for appended in appendedEvents {
            for (i, skipped) in appended.skipped.enumerated() where skipped { metrics.skipped(target: targets[i].name) }
        }
        // A delivery that waits behind an earlier one of the same user is left to the retry
        // worker, which sends it in turn. Decided once per delivery: by event, then target.
        var waiting = appendedEvents.map { appended in
            appended.deliveryIds.indices.map { appended.waits(target: $0, isSettled: dispatcher.isSettled) }
        }
        if journal.isShared { claimFollowers(appendedEvents, &waiting) }
        if waiting.joined().contains(true) { dispatcher.noteFollowerWaiting() }
        // Not sent now: waiting behind the user's earlier event, or left out by a vendor rule.
        let held = zip(appendedEvents, waiting).map { appended, waits in
            waits.indices.map { waits[$0] || (appended.skipped.indices.contains($0) && appended.skipped[$0]) }
        }
        for (e, (appended, translated)) in zip(appendedEvents, translation.events).enumerated() {
            for (i, shadow) in route.shadows.enumerated() where !held[e][i + 1] {
                dispatcher.attempt(deliveryId: appended.deliveryIds[i + 1], target: shadow, request: translated.requests[i + 1],
                                   previousAttempts: 0)
            }
        }
        // Several events from one request (a batch) are answered once journaled, like queue mode.
        guard route.mode == .forward, appendedEvents.count == 1, !held[0][0] else {
            for (e, (appended, translated)) in zip(appendedEvents, translation.events).enumerated() where !held[e][0] {
                dispatcher.attempt(deliveryId: appended.deliveryIds[0], target: primary, request: translated.requests[0],
                                   previousAttempts: 0)
            }
            metrics.accepted(route: route.name, count: appendedEvents.count)
            return route.endpoint.successAnswer(for: appendedEvents, delivered: false)
        }
        let primaryId = appendedEvents[0].deliveryIds[0]
        let primaryRequest = translation.requests[0]
        let wait = ForwardWait()
        let outcome = await wait.wait(deadline: route.deadline, timer: .shared) {
            dispatcher.attempt(deliveryId: primaryId, target: primary, request: primaryRequest, previousAttempts: 0) {
                wait.resume(.answered($0))
            }
        }
        switch outcome {
        case .answered(let attempt):
            switch attempt.verdict {
            case .delivered:
                metrics.accepted(route: route.name, count: appendedEvents.count)
                return route.endpoint.successAnswer(for: appendedEvents, delivered: true)
            case .deadLetter(let reason):
                throw IngressError(.rejected, "Rejected by \(primary.provider.name): \(reason)")
            case .retry:
                break
            }
        case .deadlinePassed:
            break
        }
        metrics.accepted(route: route.name, count: appendedEvents.count)
        return route.endpoint.successAnswer(for: appendedEvents, delivered: false)
    }

    /// On a shared journal, a delivery behind earlier ones whose outcomes are known here but not
    /// yet committed is sent only once claimed: another instance may claim it the moment those
    /// commit. The ones another instance got first are left waiting (it sends them).
    private func claimFollowers(_ appendedEvents: [AppendedEvent], _ waiting: inout [[Bool]]) {
        var followers: [(event: Int, target: Int)] = []
        for (e, appended) in appendedEvents.enumerated() {
            for i in appended.deliveryIds.indices where !waiting[e][i] && appended.waits(target: i) { followers.append((e, i)) }
        }
        guard !followers.isEmpty else { return }
        let now = clock.now()
        let claimed = (try? journal.claim(followers.map { appendedEvents[$0.event].deliveryIds[$0.target] }, now: now,
                                          leaseUntil: Instant(milliseconds: now.milliseconds + attemptLeaseMilliseconds))) ?? []
        for (e, i) in followers where !claimed.contains(appendedEvents[e].deliveryIds[i]) { waiting[e][i] = true }
    }
}
