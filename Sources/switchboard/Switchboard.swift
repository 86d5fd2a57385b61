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
        subcommands: [Serve.self, Check.self, Translate.self, Explain.self, Test.self, Failures.self, Reference.self])
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

        @Option(help: "The journal file (instead of --config).")
        var journal: String?

        func open() throws -> SQLiteJournal {
            let path: String
            if let journal {
                path = journal
            } else if let config {
                path = try loadConfig(config).journalPath
            } else {
                throw ValidationError("give --config FILE or --journal FILE")
            }
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no journal at \(path)") }
            return try SQLiteJournal(path: path)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending and dead-lettered deliveries, newest first.")

        @OptionGroup var journal: JournalOptions

        @Option(help: "Which states: pending, dead, or all.")
        var state = "all"

        @Option(help: "At most this many lines.")
        var limit = 100

        mutating func run() async throws {
            let records = try journal.open().deliveries(states: try states(state), limit: limit)
            print(FailuresReport.render(records), terminator: "")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one delivery (never its payload or credentials).")

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
            abstract: "Make dead-lettered (or waiting) deliveries due now; a running gateway sends them within its poll interval, a stopped one at its next start.")

        @OptionGroup var journal: JournalOptions

        @Argument(help: "Delivery ids.")
        var ids: [Int64] = []

        @Flag(help: "Every dead-lettered delivery (of --target, if given).")
        var allDead = false

        @Option(help: "With --all-dead: only this target's.")
        var target: String?

        mutating func run() async throws {
            let opened = try journal.open()
            var chosen = ids
            if allDead {
                chosen += try opened.deliveries(states: [.dead], limit: Int.max)
                    .filter { target == nil || $0.target == target }.map(\.deliveryId)
            }
            guard !chosen.isEmpty else { throw ValidationError("give delivery ids or --all-dead") }
            let changed = try await opened.replay(deliveryIds: chosen, now: SystemClock().now())
            print("\(changed) of \(chosen.count) deliveries will be attempted again")
        }
    }

    static func states(_ text: String) throws -> Set<DeliveryState> {
        switch text {
        case "pending": [.pending]
        case "dead": [.dead]
        case "all": [.pending, .dead]
        default: throw ValidationError("--state must be pending, dead or all")
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
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: "switchboard")
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
