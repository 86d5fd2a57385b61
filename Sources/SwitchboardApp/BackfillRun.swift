import Foundation
import Logging
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import SwitchboardMapping

/// `switchboard backfill`: gives every journaled event of a route and time range a delivery to
/// one target, then sees them delivered — paced to the target's rate limit, each user's in order.
///
/// The deliveries are rows in the journal, so a backfill is resumable: started again after it
/// stopped (even by kill -9), it adds the deliveries still missing and goes on; a delivered one
/// is never sent again. Whoever delivers from the journal sends them: a running gateway, or, when
/// none holds the journal's delivery lock, this process itself.
public struct BackfillRun: Sendable {
    public let config: Config
    public let range: BackfillRange
    public let environment: [String: String]
    let logger: Logger

    public init(config: Config, range: BackfillRange, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger) {
        self.config = config
        self.range = range
        self.environment = environment
        self.logger = logger
    }

    /// Checks the route and target, then prints what a backfill would send: how many events
    /// lack a delivery to the target, and the first requests (credentials redacted).
    public func dryRun(samples: Int = 3, say: (String) -> Void) throws {
        let table = try routeTable()
        let journal = try config.openJournal(environment: environment)
        defer { journal.close() }
        let report = try journal.routeReport(route: range.route, since: range.since, until: range.until, targets: [range.target])
        let missing = report.targets.first { $0.name == range.target }?.missing ?? 0
        say("\(report.events) events of \(range.route) in the range; \(missing) have no delivery to \(range.target) and would be sent.")
        guard let target = table.targets[range.target] else { return }
        var query = EventQuery()
        query.route = range.route
        query.since = range.since
        query.until = range.until.map { Instant(milliseconds: $0.milliseconds - 1) }
        query.limit = max(1, samples)
        for stored in try journal.events(matching: query).events {
            guard let event = try? JSONParser.parse(stored.canonical) else { continue }
            do {
                let request = try target.request(for: event)
                say("event \(stored.id): \(request.method) \(request.url)\n  \(String(decoding: request.body, as: UTF8.self))")
            } catch {
                say("event \(stored.id): would be dead-lettered: \(error)")
            }
        }
    }

    /// Enqueues and delivers (or watches a running gateway deliver) until every event of the
    /// range has a final delivery to the target; returns the target's final counts.
    public func run(progress: BackfillProgress) async throws -> RouteReport.Target {
        _ = try routeTable()
        // A shared journal's deliveries are claimed with leases: this process delivers alongside
        // the fleet. An SQLite journal is delivered from by one process: this one if it is free.
        let lock = config.journalIsShared ? nil : DeliveryLock.take(journalPath: config.journalLocation)
        var gateway: Gateway?
        var worker: Task<Void, any Error>?
        if lock != nil || config.journalIsShared {
            let built = try Gateway(config: config, environment: environment, logger: logger)
            _ = try await built.journal.releaseLeases(now: SystemClock().now())
            gateway = built
            worker = Task { try await built.retryWorker.run() }
        } else {
            progress.note("a gateway is delivering from this journal; it sends the backfill")
        }
        let finished: Result<RouteReport.Target, any Error>
        do {
            finished = .success(try await watch(journal: try gateway?.journal ?? config.openJournal(environment: environment),
                                                progress: progress))
        } catch {
            finished = .failure(error)
        }
        worker?.cancel()
        await gateway?.transport.shutdown()
        withExtendedLifetime(lock) {}
        return try finished.get()
    }

    /// Enqueues the range's missing deliveries, then reports progress until none is pending.
    private func watch(journal: any Journal, progress: BackfillProgress) async throws -> RouteReport.Target {
        while try await journal.enqueueBackfill(range, now: SystemClock().now(), limit: 1_000) > 0 {}
        while true {
            let report = try journal.routeReport(route: range.route, since: range.since, until: range.until, targets: [range.target])
            let target = report.targets.first { $0.name == range.target } ?? RouteReport.Target(name: range.target)
            progress.update(done: target.delivered + target.dead + target.skipped, total: report.events)
            if target.pending == 0 && target.missing == 0 {
                progress.finish()
                return target
            }
            if target.missing > 0 { _ = try await journal.enqueueBackfill(range, now: SystemClock().now(), limit: 1_000) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The config's routes and targets, checked against the range.
    private func routeTable() throws -> RouteTable {
        let mappings = try MappingSet.load(directory: config.mappings)
        let table = try RouteTable(config: config, mappings: mappings, environment: environment, mappingClock: SystemClock())
        guard table.route(range.route) != nil else {
            throw ConfigProblems([ConfigProblem(file: "--route", pointer: "", message: "no route named '\(range.route)' (routes: \(table.routes.map(\.name).joined(separator: ", ")))")])
        }
        guard table.targets[range.target] != nil else {
            throw ConfigProblems([ConfigProblem(file: "--target", pointer: "", message: "no target named '\(range.target)' (targets: \(table.targets.keys.sorted().joined(separator: ", ")))")])
        }
        return table
    }
}
