import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardIngress
import SwitchboardMapping
import UnixSignals

/// Reloads the config file and the mappings on SIGHUP and whenever one of their files changes:
/// everything is re-checked, and only a fully valid result replaces the routes and targets in
/// force, in one swap. A broken file is refused, its problems are logged and kept for the health
/// endpoint, and the running mapping stays.
///
/// The listen address, journal and delivery settings are read at start only; a change to them
/// is reported and takes effect at the next restart.
public final class ConfigReloader: Service, @unchecked Sendable {
    /// The outcome of the last reload, for the health endpoint.
    public struct Status: Sendable {
        public var at: Instant?
        public var succeeded: Bool
        public var problems: [String]
        public var reloads: Int
    }

    let configFile: String?
    let base: Config
    let environment: [String: String]
    let mappingClock: any SwitchboardClock
    let routes: Snapshot<[InboundRoute]>
    let targets: Snapshot<[String: DeliveryTarget]>
    let logger: Logger
    let status = Snapshot(Status(at: nil, succeeded: true, problems: [], reloads: 0))
    /// How often files are checked for changes.
    public var pollInterval: Duration = .seconds(1)
    private var fingerprint: [String: Date] = [:]
    /// Whether the routes in force at start listed events, so that the gateway indexed the
    /// journal's events by user (an SQLite journal's index follows the routes at start).
    private let listedAtStart: Bool

    init(configFile: String?, base: Config, environment: [String: String], mappingClock: any SwitchboardClock,
         routes: Snapshot<[InboundRoute]>, targets: Snapshot<[String: DeliveryTarget]>, logger: Logger) {
        self.configFile = configFile
        self.base = base
        self.environment = environment
        self.mappingClock = mappingClock
        self.routes = routes
        self.targets = targets
        self.logger = logger
        listedAtStart = routes.load().contains { $0.listsEvents }
        fingerprint = currentFingerprint()
    }

    public var lastStatus: Status { status.load() }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await _ in hangups {
                    logger.info("SIGHUP: reloading the configuration")
                    reload()
                }
            }
            group.addTask { [self] in
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: pollInterval)
                    let now = currentFingerprint()
                    if now != fingerprint {
                        fingerprint = now
                        logger.info("a configuration file changed: reloading")
                        reload()
                    }
                }
            }
            try await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Re-reads and re-checks everything; swaps it in only when all of it is valid.
    @discardableResult
    public func reload() -> Bool {
        do {
            var config = base
            if let configFile {
                guard let data = FileManager.default.contents(atPath: configFile) else {
                    throw ConfigProblems([ConfigProblem(file: configFile, pointer: "", message: "cannot read the file")])
                }
                config = try Config.parse(Array(data), file: configFile)
                if config.journalLocation != base.journalLocation || config.host != base.host || config.port != base.port {
                    logger.warning("listen and journal changes take effect at the next restart")
                }
            }
            let mappings = try MappingSet.load(directory: config.mappings)
            let table = try RouteTable(config: config, mappings: mappings, environment: environment, mappingClock: mappingClock)
            targets.store(table.targets)
            routes.store(table.routes)
            if !listedAtStart, !base.journalIsShared, table.routes.contains(where: { $0.listsEvents }) {
                logger.warning("""
                    a route now lists events: until the next restart indexes the journal's events by user, \
                    listing one user's events reads everyone's in the range asked for
                    """)
            }
            record(succeeded: true, problems: [])
            logger.info("configuration reloaded", metadata: ["sb.routes": "\(table.routes.count)"])
            return true
        } catch let error as ConfigProblems {
            record(succeeded: false, problems: error.problems.map(\.description))
            logger.error("configuration refused; the running one stays",
                         metadata: ["sb.problems": .array(error.problems.map { .string($0.description) })])
        } catch {
            record(succeeded: false, problems: ["\(error)"])
            logger.error("configuration refused; the running one stays", metadata: ["sb.error": "\(error)"])
        }
        return false
    }

    private func record(succeeded: Bool, problems: [String]) {
        var current = status.load()
        current.at = SystemClock().now()
        current.succeeded = succeeded
        current.problems = problems
        current.reloads += 1
        status.store(current)
    }

    /// Modification times of the config file and every file under the mappings folder.
    private func currentFingerprint() -> [String: Date] {
        var times: [String: Date] = [:]
        let fm = FileManager.default
        func note(_ path: String) {
            if let date = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date { times[path] = date }
        }
        if let configFile { note(configFile) }
        let folder = base.mappings
        for file in fm.enumerator(atPath: folder)?.compactMap({ $0 as? String }) ?? [] where file.hasSuffix(".json") {
            note("\(folder)/\(file)")
        }
        return times
    }
}
