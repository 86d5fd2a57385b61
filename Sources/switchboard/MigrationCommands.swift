import ArgumentParser
import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

/// A time range given as `--since` and `--until` (RFC 3339).
struct RangeOptions: ParsableArguments {
    @Option(help: "Only events accepted at or after this time (RFC 3339, e.g. 2026-11-23T10:00:00Z).")
    var since: String?

    @Option(help: "Only events accepted before this time (RFC 3339).")
    var until: String?

    func instants() throws -> (Instant?, Instant?) {
        func read(_ text: String?, _ name: String) throws -> Instant? {
            guard let text else { return nil }
            guard let instant = Instant(rfc3339: text) else { throw ValidationError("--\(name) must be an RFC 3339 time, e.g. 2026-11-23T10:00:00Z") }
            return instant
        }
        return (try read(since, "since"), try read(until, "until"))
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Moving from one vendor to another: compare how the targets of a route did.",
        subcommands: [Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per target of a route: delivered, pending, dead-lettered, skipped and missing events, the reasons, and events delivered to one target but dead on another.")

        @Option(help: "The config file.")
        var config: String

        @Option(help: "The route's name.")
        var route: String

        @OptionGroup var range: RangeOptions

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() async throws {
            let loaded = try loadConfig(config)
            guard let route = loaded.routes.first(where: { $0.name == self.route }) else {
                throw ValidationError("no route named '\(self.route)'; routes: \(loaded.routes.map(\.name).joined(separator: ", "))")
            }
            let (since, until) = try range.instants()
            let journal = try loaded.openJournal()
            defer { journal.close() }
            let report = try journal.routeReport(route: route.name, since: since, until: until,
                                                 targets: (route.primary.map { [$0] } ?? []) + route.shadows)
            print(json ? MigrationReportText.json(report) : MigrationReportText.table(report), terminator: "")
        }
    }
}

struct Backfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a route's journaled events of a time range to a target: paced to its rate limit, each user's in order, resumable.",
        discussion: """
            Every event of the range without a delivery to the target gets one; a running gateway on the same journal
            sends them, or this command does when none runs. Started again after it stopped (even by kill -9), it goes
            on where it was, and nothing delivered is sent again. Exits 1 when some events were dead-lettered.
            """)

    @Option(help: "The config file.")
    var config: String

    @Option(help: "The route whose events to send.")
    var route: String

    @Option(help: "The target to send them to (a target of the config).")
    var target: String

    @OptionGroup var range: RangeOptions

    @Flag(help: "Show what would be sent; send and change nothing.")
    var dryRun = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        let loaded = try loadConfig(config)
        let (since, until) = try range.instants()
        let backfill = BackfillRun(config: loaded, range: BackfillRange(route: route, target: target, since: since, until: until),
                                   logger: makeLogger(level: logLevel))
        if dryRun {
            try build { try backfill.dryRun { print($0) } }
            return
        }
        let progress = BackfillProgress { text in FileHandle.standardOutput.write(Data(text.utf8)) }
        let result: RouteReport.Target
        do {
            result = try await backfill.run(progress: progress)
        } catch let problems as ConfigProblems {
            throw ValidationError("the configuration has problems:\n" + problems.description)
        }
        print("delivered \(result.delivered), dead-lettered \(result.dead), skipped \(result.skipped)")
        if result.dead > 0 {
            print("see them with: switchboard failures list --config \(config) --target \(target) --state dead")
            throw ExitCode(1)
        }
    }
}
