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
        var problems: [ConfigProblem] = []
        var targets: [String: DeliveryTarget] = [:]
        for (name, target) in config.targets.sorted(by: { $0.key < $1.key }) {
            do {
                targets[name] = try Self.buildTarget(name, target, mappings: mappings, environment: environment, clock: mappingClock)
            } catch {
                problems += error.problems
            }
        }
        var routes: [InboundRoute] = []
        for (i, route) in config.routes.enumerated() {
            let pointer = "/routes/\(i)"
            guard let provider = mappings.provider(route.provider) else {
                problems.append(ConfigProblem(file: "config", pointer: pointer, message: "no provider '\(route.provider)' in \(config.mappings)/providers"))
                continue
            }
            guard let endpoint = provider.receive.first(where: { $0.name == route.endpoint }) else {
                problems.append(ConfigProblem(file: "config", pointer: pointer, message: "\(provider.name) has no inbound endpoint '\(route.endpoint)'"))
                continue
            }
            let keys: [Secret]
            do {
                keys = try route.keys.readKeys(environment: environment)
            } catch {
                problems += error.problems
                continue
            }
            guard let primary = targets[route.primary] else { continue }
            routes.append(InboundRoute(
                name: route.name, provider: provider, endpoint: endpoint, keys: keys, primary: primary,
                shadows: route.shadows.compactMap { targets[$0] }, mode: route.mode,
                deadline: .milliseconds(route.deadlineMilliseconds)))
        }
        guard problems.isEmpty else { throw ConfigProblems(problems) }
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

    private static func buildTarget(
        _ name: String, _ target: Config.Target, mappings: MappingSet, environment: [String: String],
        clock: any SwitchboardClock
    ) throws(ConfigProblems) -> DeliveryTarget {
        let pointer = "/targets/\(name)"
        guard let provider = mappings.provider(target.provider) else {
            throw ConfigProblems([ConfigProblem(file: "config", pointer: pointer, message: "no provider '\(target.provider)' in \(mappings.directory)/providers")])
        }
        guard let endpoint = provider.send?.endpoint(target.endpoint) else {
            throw ConfigProblems([ConfigProblem(file: "config", pointer: pointer, message: "\(provider.name) has no outbound endpoint '\(target.endpoint)'")])
        }
        var secrets: [String: Secret] = [:]
        for (secretName, source) in target.secrets {
            secrets[secretName] = Secret(try source.read(environment: environment))
        }
        return try DeliveryTarget(
            name: name, provider: provider, endpoint: endpoint, url: target.url, baseURL: target.baseURL,
            settings: target.settings, secrets: secrets, caFile: target.caFile, clock: clock, file: "config")
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
