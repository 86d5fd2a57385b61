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

    /// Answers `request` through `answer`, which runs exactly once: at once for a request that
    /// is refused or needs no journal write, otherwise on the journal's or the transport's thread
    /// (or the deadline timer's). Nothing here blocks the calling thread on I/O.
    public func handle(_ request: InboundRequest, answer: @escaping @Sendable (InboundAnswer) -> Void) {
        var pathMatched: InboundRoute?
        let routes = self.routes.load()
        for route in routes {
            guard let parameters = route.match(request.path) else { continue }
            guard route.endpoint.method == request.method else {
                pathMatched = route
                continue
            }
            let started = ContinuousClock.now
            let finish: Finish = { [metrics, logger] result in
                let answered: InboundAnswer
                switch result {
                case .success(let success):
                    answered = success
                case .failure(let error):
                    metrics.rejected(route: route.name, errorType: error.kind.rawValue)
                    logger.debug("request rejected", metadata: ["sb.route": "\(route.name)", "sb.error.kind": "\(error.kind)"])
                    answered = route.provider.answer(for: error)
                }
                metrics.answered(route: route.name, seconds: (ContinuousClock.now - started).inSeconds)
                answer(answered)
            }
            do {
                try accept(request, route: route, parameters: parameters, finish: finish)
            } catch {
                finish(.failure(error))
            }
            return
        }
        if let route = pathMatched {
            return answer(route.provider.answer(for: IngressError(.methodNotAllowed, "Method \"\(request.method)\" not allowed.")))
        }
        let prefixed = routes.first { !$0.prefix.isEmpty && request.path.hasPrefix($0.prefix + "/") }
        guard let provider = (prefixed ?? routes.first)?.provider else { return answer(InboundAnswer(status: 404, body: Array("{}".utf8))) }
        answer(provider.answer(for: IngressError(.notFound, "Not found.")))
    }

    /// The answer to one request, or the error to answer in the route's vendor format.
    typealias Finish = @Sendable (Result<InboundAnswer, IngressError>) -> Void

    /// Authenticates, decodes and translates the request, then journals its events (or, for a
    /// list endpoint, reads them off the caller's thread); `finish` gets the rest. Throws what is
    /// wrong with the request before anything is written.
    private func accept(_ request: InboundRequest, route: InboundRoute, parameters: [(String, String)], finish: @escaping Finish)
        throws(IngressError)
    {
        let claims = try route.authenticate(request, now: clock.now())
        if let list = route.endpoint.list {
            let query = try route.eventQuery(request, parameters: parameters, auth: claims, list: list)
            Task { finish(listAnswer(query, route: route, list: list)) }
            return
        }
        guard let primary = route.primary else { throw IngressError(.internalError, "The route has no target.") }
        let translation = try route.translate(request, parameters: parameters, clock: mappingClock, auth: claims)
        let now = clock.now()
        let targets = route.targets
        let newEvents = translation.events.map { translated in
            var event = NewEvent(
                route: route.name, source: route.provider.id, name: translated.event["event"]?.stringValue,
                userId: translated.event["userId"]?.stringValue, receivedAt: now,
                canonical: JSONWriter.bytes(.object(translated.event)), targets: route.targetNames,
                firstAttemptDue: Instant(milliseconds: now.milliseconds + attemptLeaseMilliseconds))
            if targets.contains(where: { !($0.provider.send?.rules.isEmpty ?? true) }) {
                event.gates = targets.map { $0.gate(for: .object(translated.event)) }
            }
            return event
        }
        journal.append(newEvents) { [self] result in
            switch result {
            case .success(let appendedEvents):
                // On a shared journal, sending may first claim deliveries with a round trip to
                // the database: not on the journal's writer thread, which other writes wait for.
                guard journal.isShared else {
                    return send(appendedEvents, translation, route: route, primary: primary, finish: finish)
                }
                Task { send(appendedEvents, translation, route: route, primary: primary, finish: finish) }
            case .failure(is JournalFull):
                // Nothing already accepted is touched; intake resumes once pruning frees space.
                logger.warning("journal full: refusing new events", metadata: ["sb.route": "\(route.name)"])
                var full = IngressError(.unavailable, "The gateway's storage is full; try again later.")
                full.retryAfterSeconds = 30
                finish(.failure(full))
            case .failure(let error):
                logger.error("could not journal an event", metadata: ["sb.route": "\(route.name)", "sb.error": "\(error)"])
                finish(.failure(IngressError(.unavailable, "The event could not be stored; try again later.")))
            }
        }
    }

    private func listAnswer(_ query: EventQuery, route: InboundRoute, list: EventList) -> Result<InboundAnswer, IngressError> {
        let page: EventPage
        do {
            page = try journal.events(matching: query)
        } catch {
            logger.error("could not list events", metadata: ["sb.route": "\(route.name)", "sb.error": "\(error)"])
            return .failure(IngressError(.unavailable, "The events could not be read; try again later."))
        }
        do {
            return .success(try route.listAnswer(page, list: list))
        } catch {
            return .failure(error)
        }
    }
}
