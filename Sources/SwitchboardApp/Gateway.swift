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
    public let journal: SQLiteJournal
    public let transport: CurlTransport
    public let dispatcher: Dispatcher
    public let pipeline: IngressPipeline
    public let retryWorker: RetryWorker
    let logger: Logger

    /// Builds the gateway: loads and checks the mappings, reads secrets, opens the journal.
    /// - Parameter mappingClock: where mappings read `now`; scheduling always uses the system clock.
    /// - Throws: ``ConfigProblems`` for anything wrong in the config, mappings or secrets.
    public init(
        config: Config, environment: [String: String] = ProcessInfo.processInfo.environment,
        mappingClock: any SwitchboardClock = SystemClock(), logger: Logger
    ) throws {
        let clock = SystemClock()
        self.config = config
        self.logger = logger
        mappings = try MappingSet.load(directory: config.mappings)
        let table = try RouteTable(config: config, mappings: mappings, environment: environment, mappingClock: mappingClock)
        let targets = table.targets
        let routes = table.routes
        journal = try SQLiteJournal(path: config.journalPath, durability: config.durability)
        transport = CurlTransport(options: TransportOptions(
            timeoutMilliseconds: config.timeoutMilliseconds, connectTimeoutMilliseconds: config.connectTimeoutMilliseconds))
        dispatcher = Dispatcher(
            targets: targets, journal: journal, transport: transport,
            backoff: Backoff(baseMilliseconds: config.backoff.baseMilliseconds, capMilliseconds: config.backoff.capMilliseconds),
            clock: clock, logger: logger)
        pipeline = IngressPipeline(
            routes: routes, journal: journal, dispatcher: dispatcher, clock: clock, mappingClock: mappingClock,
            attemptLease: .milliseconds(Int64(config.timeoutMilliseconds) + 5_000), logger: logger)
        retryWorker = RetryWorker(
            journal: journal, dispatcher: dispatcher, clock: clock,
            interval: .milliseconds(config.pollIntervalMilliseconds), logger: logger)
    }

    /// Serves until cancelled or sent SIGTERM/SIGINT. `onListening` receives the bound port.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint], onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            responder: GatewayResponder(pipeline: pipeline),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: config.eventLoopThreads.map { .shared(MultiThreadedEventLoopGroup(numberOfThreads: $0)) } ?? .singleton,
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: app), .init(service: retryWorker)],
                                 gracefulShutdownSignals: signals, logger: logger))
        defer { transport.shutdown() }
        try await group.run()
    }
}
