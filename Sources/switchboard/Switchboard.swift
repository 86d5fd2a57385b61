import ArgumentParser
import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping

@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A protocol-adapter gateway for analytics and CRM APIs.",
        subcommands: [Serve.self, Check.self, Translate.self, Explain.self, Test.self, Failures.self, Migrate.self, Backfill.self, Reference.self])
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway.")

    @Option(help: "The config file (JSON).")
    var config: String?

    @Flag(help: "Start local mock vendors over TLS and route to them; no vendor accounts needed.")
    var sandbox = false

    @Option(help: "Listen on HOST:PORT instead of the config's address.")
    var listen: String?

    @Option(help: "The mappings folder for the sandbox's default config.")
    var mappings = "mappings"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    mutating func run() async throws {
        let logger = makeLogger(level: logLevel)
        var loaded = try config.map(loadConfig)
        if !sandbox {
            guard var config = loaded else { throw ValidationError("give --config FILE, or --sandbox") }
            if let listen, !config.setListen(listen) { throw ValidationError("--listen must be HOST:PORT") }
            loaded = config
        }
        let gateway: Gateway
        var session: SandboxSession?
        if sandbox {
            let started = try await SandboxSession.start(
                stateDirectory: ".switchboard", mappings: mappings, listen: listen, base: loaded, logger: logger)
            gateway = try build { try Gateway(config: started.config, environment: started.environment, logger: logger) }
            session = started
        } else {
            gateway = try build { try Gateway(config: loaded!, configFile: config, logger: logger) }
        }
        if !gateway.config.cpuScheduling.apply() {
            logger.notice("the kernel refused the thread scheduling policy; the threads keep the one they started with",
                          metadata: ["sb.cpuScheduling": "\(gateway.config.cpuScheduling.rawValue)"])
        }
        try await gateway.run { [session] port in
            if let session { SandboxSession.say(session.banner(port: port)) }
            logger.info("listening", metadata: ["sb.listen": "\(gateway.config.host):\(port)"])
        }
    }
}

struct Failures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliveries that are pending or dead-lettered: list them, show one, replay them.",
        subcommands: [List.self, Show.self, Replay.self])

    /// Where the journal is: a config's, or a file named directly.
    struct JournalOptions: ParsableArguments {
        @Option(help: "The config file whose journal to use.")
        var config: String?

        @Option(help: "The journal: an SQLite file, or a postgres://user@host/database URL (password in $SWITCHBOARD_POSTGRES_PASSWORD); instead of --config.")
        var journal: String?

        func open() throws -> any Journal {
            let location: String
            var passwordVariable = PostgresSettings.defaultPasswordVariable
            if let journal {
                location = journal
            } else if let config {
                let loaded = try loadConfig(config)
                (location, passwordVariable) = (loaded.journalLocation, loaded.journalPasswordVariable)
            } else {
                throw ValidationError("give --config FILE or --journal FILE")
            }
            guard PostgresSettings.isURL(location) || FileManager.default.fileExists(atPath: location) else {
                throw ValidationError("no journal at \(location)")
            }
            return try openJournal(location, passwordVariable: passwordVariable)
        }
    }

    /// Which deliveries to choose: by event, target, user, state and acceptance time.
    struct FilterOptions: ParsableArguments {
        @Option(help: "Which states: pending, dead, delivered, skipped (left out by a vendor rule), failed (pending and dead) or all.")
        var state = "failed"

        @Option(help: "Only this event's deliveries.")
        var event: Int64?

        @Option(help: "Only deliveries to this target.")
        var target: String?

        @Option(help: "Only this user's events.")
        var user: String?

        @Option(help: "Only events accepted at or after this time (RFC 3339, e.g. 2026-11-23T10:00:00Z).")
        var since: String?

        @Option(help: "Only events accepted before this time (RFC 3339).")
        var until: String?

        func filter(limit: Int) throws -> DeliveryFilter {
            var values = ["state": state, "limit": String(limit)]
            values["event"] = event.map(String.init)
            values["target"] = target
            values["user"] = user
            values["since"] = since
            values["until"] = until
            do {
                return try FailuresQuery.filter(values)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries (by default pending and dead-lettered ones), newest first.")

        @OptionGroup var journal: JournalOptions
        @OptionGroup var filter: FilterOptions

        @Option(help: "At most this many lines.")
        var limit = 100

        mutating func run() async throws {
            let records = try journal.open().deliveries(matching: try filter.filter(limit: limit))
            print(FailuresReport.render(records), terminator: "")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one delivery with its attempt history and the vendor's last error answer (never the payload or credentials).")

        @OptionGroup var journal: JournalOptions

        @Argument(help: "The delivery id (first column of `failures list`).")
        var id: Int64

        mutating func run() async throws {
            guard let record = try journal.open().delivery(id: id) else { throw ValidationError("no delivery \(id)") }
            print(FailuresReport.detail(record), terminator: "")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make dead-lettered (or waiting) deliveries due now, by id or by filter; a running gateway sends them within its poll interval (each user's in the order they were accepted), a stopped one at its next start.")

        @OptionGroup var journal: JournalOptions

        @Argument(help: "Delivery ids.")
        var ids: [Int64] = []

        @Flag(help: "Every delivery the filter options choose (by default every dead-lettered one).")
        var matching = false

        @Flag(help: "Every dead-lettered delivery (of --target, if given); the same as --matching --state dead.")
        var allDead = false

        @OptionGroup var filter: FilterOptions

        mutating func run() async throws {
            let opened = try journal.open()
            var chosen = ids
            if allDead || matching {
                var chosenFilter = try filter.filter(limit: Int.max)
                if allDead || filter.state == "failed" { chosenFilter.states = [.dead] }
                chosen += try opened.deliveries(matching: chosenFilter).map(\.deliveryId)
            }
            guard !chosen.isEmpty else { throw ValidationError("give delivery ids, --matching with filters, or --all-dead") }
            let changed = try await opened.replay(deliveryIds: chosen.sorted(), now: SystemClock().now())
            print("\(changed) of \(chosen.count) deliveries will be attempted again")
        }
    }
}

func loadConfig(_ path: String) throws -> Config {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
    return try build { try Config.parse(Array(data), file: path) }
}

/// Runs `body`, turning config problems into a readable failure.
func build<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let problems as ConfigProblems {
        throw ValidationError("the configuration has problems:\n" + problems.description)
    }
}

func makeLogger(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, level: level) }
    return Logger(label: "switchboard")
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
