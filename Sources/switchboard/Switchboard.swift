import ArgumentParser
import Foundation
import Logging
import SwitchboardApp
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
            if let listen { try override(&config, listen: listen) }
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

    private func override(_ config: inout Config, listen: String) throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen must be HOST:PORT")
        }
        config.host = String(listen[..<colon])
        config.port = port
    }
}

struct Failures: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show deliveries that are pending or dead-lettered.",
                                                    subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List pending and dead-lettered deliveries, newest first.")

        @Option(help: "The config file whose journal to read.")
        var config: String?

        @Option(help: "The journal file (instead of --config).")
        var journal: String?

        @Option(help: "Which states: pending, dead, or all.")
        var state = "all"

        @Option(help: "At most this many lines.")
        var limit = 100

        mutating func run() async throws {
            let path: String
            if let journal {
                path = journal
            } else if let config {
                path = try loadConfig(config).journalPath
            } else {
                throw ValidationError("give --config FILE or --journal FILE")
            }
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no journal at \(path)") }
            let states: Set<DeliveryState> = switch state {
            case "pending": [.pending]
            case "dead": [.dead]
            case "all": [.pending, .dead]
            default: throw ValidationError("--state must be pending, dead or all")
            }
            let records = try SQLiteJournal(path: path).deliveries(states: states, limit: limit)
            print(FailuresReport.render(records), terminator: "")
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
