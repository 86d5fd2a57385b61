import Foundation
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle
import UnixSignals
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardIngress
import SwitchboardJournal
import SwitchboardMapping

/// Every stage of the data path, built from a config and ready to run.
public final class Gateway: Sendable {
    public let config: Config
    public let mappings: MappingSet
    public let journal: any Journal
    public let transport: CurlTransport
    public let dispatcher: Dispatcher
    public let pipeline: IngressPipeline
    public let retryWorker: RetryWorker
    public let pruner: JournalPruner
    public let reloader: ConfigReloader
    public let metrics = PrometheusMetrics()
    let routes: Snapshot<[InboundRoute]>
    let adminToken: Secret?
    let logger: Logger

    /// Builds the gateway: loads and checks the mappings, reads secrets, opens the journal.
    /// - Parameters:
    ///   - configFile: the file `config` came from, re-read on reload; nil reloads the mappings only.
    ///   - mappingClock: where mappings read `now`; scheduling always uses the system clock.
    /// - Throws: ``ConfigProblems`` for anything wrong in the config, mappings or secrets.
    public init(
        config: Config, configFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        mappingClock: any SwitchboardClock = SystemClock(), logger: Logger
    ) throws {
        let clock = SystemClock()
        self.config = config
        self.logger = logger
        mappings = try MappingSet.load(directory: config.mappings)
        let table = try RouteTable(config: config, mappings: mappings, environment: environment, mappingClock: mappingClock)
        let targets = Snapshot(table.targets)
        let routes = Snapshot(table.routes)
        self.routes = routes
        adminToken = try config.admin?.token.map { source throws(ConfigProblems) in Secret(try source.read(environment: environment)) }
        journal = try config.openJournal(environment: environment)
        transport = CurlTransport(options: TransportOptions(
            timeoutMilliseconds: config.timeoutMilliseconds, connectTimeoutMilliseconds: config.connectTimeoutMilliseconds))
        dispatcher = Dispatcher(
            targets: targets, journal: journal, transport: transport,
            backoff: Backoff(baseMilliseconds: config.backoff.baseMilliseconds, capMilliseconds: config.backoff.capMilliseconds),
            clock: clock, logger: logger)
        dispatcher.metrics = metrics
        dispatcher.breakerTemplate = CircuitBreaker(
            threshold: config.breaker.threshold, openMilliseconds: config.breaker.openMilliseconds,
            maxOpenMilliseconds: max(config.backoff.capMilliseconds, config.breaker.openMilliseconds),
            probeWaitMilliseconds: Int64(config.timeoutMilliseconds))
        var pipeline = IngressPipeline(
            routes: routes, journal: journal, dispatcher: dispatcher, clock: clock, mappingClock: mappingClock,
            attemptLease: .milliseconds(Int64(config.timeoutMilliseconds) + 5_000), logger: logger)
        pipeline.metrics = metrics
        self.pipeline = pipeline
        reloader = ConfigReloader(
            configFile: configFile, base: config, environment: environment, mappingClock: mappingClock, routes: routes,
            targets: targets, logger: logger)
        retryWorker = RetryWorker(
            journal: journal, dispatcher: dispatcher, clock: clock,
            interval: .milliseconds(config.pollIntervalMilliseconds), retryWindow: .seconds(config.retryWindowHours * 3600),
            lease: .milliseconds(Int64(config.timeoutMilliseconds) + 5_000), logger: logger)
        pruner = JournalPruner(
            journal: journal, clock: clock, retention: .seconds(config.retentionHours * 3600),
            interval: .milliseconds(config.pruneIntervalMilliseconds), logger: logger)
    }

    /// Serves until cancelled or sent SIGTERM/SIGINT. `onListening` receives the bound port, and
    /// `onAdminListening` the admin listener's.
    public func run(
        signals: [UnixSignal] = [.sigterm, .sigint], onListening: @escaping @Sendable (Int) async -> Void = { _ in },
        onAdminListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = IngressServer(
            pipeline: pipeline, host: config.host, port: config.port,
            group: config.eventLoopThreads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) } ?? MultiThreadedEventLoopGroup.singleton,
            idleTimeout: .milliseconds(config.idleTimeoutMilliseconds), drain: .milliseconds(config.drainMilliseconds),
            logger: logger, onListening: onListening)
        // A graceful shutdown stops services last to first: intake (the app) first, so that no
        // new event arrives while the rest winds down.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let admin = config.admin {
            services.append(.init(service: Application(
                responder: AdminResponder(token: adminToken, reloader: reloader, routes: routes, metrics: metrics, journal: journal),
                configuration: .init(address: .hostname(admin.host, port: admin.port), serverName: nil),
                onServerRunning: { channel in await onAdminListening(channel.localAddress?.port ?? 0) },
                logger: logger)))
        }
        services += [.init(service: pruner), .init(service: reloader), .init(service: retryWorker), .init(service: app)]
        // One process delivers from an SQLite journal at a time; the lease release below relies
        // on it. Instances sharing a PostgreSQL journal claim deliveries with leases instead.
        var lock: DeliveryLock?
        if !journal.isShared {
            guard let taken = DeliveryLock.take(journalPath: config.journalLocation) else {
                throw ConfigProblems([ConfigProblem(file: config.journalLocation, pointer: "",
                                                    message: "another gateway (or a backfill) is delivering from this journal")])
            }
            lock = taken
            // Nothing of this process is in flight yet, so the leases held for first attempts that a
            // stopped (or killed) gateway made are void: those deliveries are due now.
            let released = try await journal.releaseLeases(now: SystemClock().now())
            if released > 0 { logger.notice("resuming interrupted deliveries", metadata: ["sb.deliveries": "\(released)"]) }
            try await indexEventsByUser()
        }
        defer { withExtendedLifetime(lock) {} }
        let group = ServiceGroup(
            configuration: .init(services: services,
                                 gracefulShutdownSignals: signals, logger: logger))
        do {
            try await group.run()
        } catch {
            await transport.shutdown()
            throw error
        }
        // Intake has stopped; let the attempts in flight finish, for a bounded time.
        let unfinished = await dispatcher.drain(timeout: .milliseconds(config.drainMilliseconds))
        if unfinished > 0 {
            logger.warning("stopping with attempts in flight; they stay pending and resume on the next start",
                           metadata: ["sb.in_flight": "\(unfinished)"])
        }
        // Waits for the stragglers' answers (or their timeout), whose outcomes are still recorded.
        await transport.shutdown()
        journal.close()
        logger.notice("stopped")
    }

    /// Keeps the journal's index of events by user only while a route lists events: appends pay
    /// for it, and nothing else reads it.
    private func indexEventsByUser() async throws {
        let wanted = routes.load().contains { $0.listsEvents }
        let started = ContinuousClock.now
        let changed = try await journal.indexEventsByUser(wanted) { [logger] in
            logger.notice(wanted ? "indexing the journal's events by user for the routes that list events: one pass over them"
                                 : "dropping the journal's index of events by user: no route lists events")
        }
        guard changed else { return }
        logger.notice("index of events by user \(wanted ? "built" : "dropped")",
                      metadata: ["sb.duration_ms": "\(Int((ContinuousClock.now - started).inSeconds * 1000))"])
    }
}
