import Foundation
import SwitchboardCore
import SwitchboardIngress
import SwitchboardJournal
import SwitchboardMapping

/// The gateway's configuration: one JSON file (see docs/CONFIG.md). Relative paths in it are
/// relative to the file's folder.
public struct Config: Sendable {
    public struct Target: Sendable {
        public var provider: String
        public var endpoint: String
        public var url: String?
        public var baseURL: String?
        public var settings: [String: String]
        public var secrets: [String: SecretSource]
        public var caFile: String?
        /// One of the provider's regions (its base URL is used).
        public var region: String?
        /// nil: the provider's rate limit; `.some(nil)`: none (`"rateLimit": "none"`).
        public var rateLimit: RateLimit??
    }

    public struct Route: Sendable {
        public var name: String
        public var provider: String
        public var endpoint: String
        public var keys: SecretSource
        /// The primary target; nil only for a route to an endpoint that lists events.
        public var primary: String?
        public var shadows: [String]
        public var mode: InboundRoute.Mode
        public var deadlineMilliseconds: Int64
        /// Serves the route's endpoint under this path prefix ("" for none).
        public var prefix: String = ""
    }

    public var host: String
    public var port: Int
    /// The admin listener (`HOST:PORT`) and where its token comes from; nil: no admin listener.
    public var admin: (host: String, port: Int, token: SecretSource?)?
    /// Event-loop threads for the HTTP server; nil uses one per core.
    public var eventLoopThreads: Int?
    /// How `serve` has the kernel schedule its threads.
    public var cpuScheduling = CPUScheduling.inherited
    /// How long an app connection may send nothing while none of its requests is being answered.
    public var idleTimeoutMilliseconds: Int64 = 60_000
    public var mappings: String
    /// The SQLite file (`journal.path`), or the PostgreSQL URL (`journal.url`) several instances share.
    public var journalLocation: String
    /// The environment variable holding the PostgreSQL password.
    public var journalPasswordVariable = PostgresSettings.defaultPasswordVariable
    public var durability: Durability
    /// The journal's size quota in bytes (nil: none).
    public var journalMaxBytes: Int64?
    /// How long delivered events are kept, and how often pruning runs.
    public var retentionHours: Int64 = 168
    public var pruneIntervalMilliseconds: Int64 = 60_000
    public var timeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int
    public var backoff: (baseMilliseconds: Int64, capMilliseconds: Int64)
    public var pollIntervalMilliseconds: Int64
    /// How long an event is retried before it is dead-lettered.
    public var retryWindowHours: Int64
    /// Outages in a row that open a target's circuit breaker, and how long it first stays open.
    public var breaker: (threshold: Int, openMilliseconds: Int64) = (5, 5_000)
    /// On SIGTERM, how long in-flight deliveries may take to finish after intake has stopped.
    public var drainMilliseconds: Int64 = 10_000
    public var targets: [String: Target]
    public var routes: [Route]

    /// Parses and checks a config file's text.
    /// - Throws: ``ConfigProblems`` with every problem found.
    public static func parse(_ bytes: [UInt8], file: String) throws(ConfigProblems) -> Config {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch let error as JSONParseError {
            throw ConfigProblems([ConfigProblem(file: "\(file):\(error.line):\(error.column)", pointer: "", message: error.reason)])
        } catch {
            throw ConfigProblems([ConfigProblem(file: file, pointer: "", message: "not JSON")])
        }
        let base = (file as NSString).deletingLastPathComponent
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
        }
        var problems: [ConfigProblem] = []
        guard let r = JSONReader(json, file: file, pointer: "",
                                 allowed: ["listen", "admin", "eventLoopThreads", "cpuScheduling", "idleTimeoutMs", "mappings", "journal", "delivery", "targets", "routes"], problems: &problems)
        else { throw ConfigProblems(problems) }
        let listen = r.string("listen", problems: &problems) ?? "127.0.0.1:8080"
        let (host, port) = hostAndPort(listen) ?? ("127.0.0.1", 8080)
        if hostAndPort(listen) == nil {
            problems.append(r.problem(at: "listen", "must be HOST:PORT, e.g. 127.0.0.1:8080"))
        }
        var admin: (String, Int, SecretSource?)?
        if let a = r.object["admin"],
            let ar = JSONReader(a, file: file, pointer: "/admin", allowed: ["listen", "token"], problems: &problems)
        {
            if let text = ar.string("listen", required: true, problems: &problems) {
                if let (h, p) = hostAndPort(text) {
                    let token = ar.object["token"].flatMap { SecretSource.parse($0, file: file, pointer: ar.at("token"), problems: &problems) }
                    admin = (h, p, token)
                } else {
                    problems.append(ar.problem(at: "listen", "must be HOST:PORT, e.g. 127.0.0.1:8081"))
                }
            }
        }
        let eventLoopThreads = r.int("eventLoopThreads", range: 1...256, problems: &problems).map(Int.init)
        let cpuScheduling = r.choice("cpuScheduling", CPUScheduling.self, problems: &problems) ?? .inherited
        let idleTimeout = r.int("idleTimeoutMs", range: 100...86_400_000, problems: &problems) ?? 60_000
        let mappings = resolve(r.string("mappings", problems: &problems) ?? "mappings")
        var journalLocation = resolve("switchboard.sqlite")
        var durability = Durability.full
        var journalMaxBytes: Int64?
        var journalPasswordVariable = PostgresSettings.defaultPasswordVariable
        var retentionHours: Int64 = 168
        var pruneIntervalMs: Int64 = 60_000
        if let j = r.object["journal"],
            let jr = JSONReader(j, file: file, pointer: "/journal",
                                allowed: ["path", "url", "passwordEnv", "durability", "maxBytes", "retentionHours", "pruneIntervalMs"],
                                problems: &problems)
        {
            journalLocation = jr.string("path", problems: &problems).map(resolve) ?? journalLocation
            if let url = jr.string("url", problems: &problems) {
                if jr.object["path"] != nil {
                    problems.append(jr.problem(at: "url", "give either path (SQLite) or url (PostgreSQL), not both"))
                } else {
                    do {
                        _ = try PostgresSettings(url: url, password: nil)
                        journalLocation = url
                    } catch {
                        problems.append(jr.problem(at: "url", (error as? JournalError)?.reason ?? "\(error)"))
                    }
                }
            }
            journalPasswordVariable = jr.string("passwordEnv", problems: &problems) ?? journalPasswordVariable
            durability = jr.choice("durability", Durability.self, problems: &problems) ?? .full
            journalMaxBytes = jr.int("maxBytes", range: 65_536...(1 << 50), problems: &problems)
            retentionHours = jr.int("retentionHours", range: 0...87_600, problems: &problems) ?? retentionHours
            pruneIntervalMs = jr.int("pruneIntervalMs", range: 100...86_400_000, problems: &problems) ?? pruneIntervalMs
        }
        var timeout = 10_000
        var connectTimeout = 3_000
        var backoff: (Int64, Int64) = (1_000, 300_000)
        var poll: Int64 = 250
        var retryWindowHours: Int64 = 72
        var breaker: (Int, Int64) = (5, 5_000)
        var drain: Int64 = 10_000
        if let d = r.object["delivery"],
            let dr = JSONReader(d, file: file, pointer: "/delivery",
                                allowed: ["timeoutMs", "connectTimeoutMs", "backoffBaseMs", "backoffCapMs", "pollIntervalMs", "retryWindowHours",
                                          "breakerThreshold", "breakerOpenMs", "drainMs"],
                                problems: &problems)
        {
            timeout = dr.int("timeoutMs", range: 100...600_000, problems: &problems).map(Int.init) ?? timeout
            connectTimeout = dr.int("connectTimeoutMs", range: 100...600_000, problems: &problems).map(Int.init) ?? connectTimeout
            backoff.0 = dr.int("backoffBaseMs", range: 1...3_600_000, problems: &problems) ?? backoff.0
            backoff.1 = dr.int("backoffCapMs", range: 1...86_400_000, problems: &problems) ?? backoff.1
            poll = dr.int("pollIntervalMs", range: 10...60_000, problems: &problems) ?? poll
            retryWindowHours = dr.int("retryWindowHours", range: 1...8_760, problems: &problems) ?? retryWindowHours
            breaker.0 = dr.int("breakerThreshold", range: 1...1_000, problems: &problems).map(Int.init) ?? breaker.0
            breaker.1 = dr.int("breakerOpenMs", range: 10...3_600_000, problems: &problems) ?? breaker.1
            drain = dr.int("drainMs", range: 0...600_000, problems: &problems) ?? drain
        }
        var targets: [String: Target] = [:]
        if let t = r.object["targets"], case .object(let object) = t {
            for member in object.members {
                let pointer = "/targets/\(pointerEscape(member.key))"
                if let target = parseTarget(member.value, file: file, pointer: pointer, resolve: resolve, problems: &problems) {
                    targets[member.key] = target
                }
            }
        } else {
            problems.append(ConfigProblem(file: file, pointer: "/targets", message: "must be an object of named targets"))
        }
        var routes: [Route] = []
        if let list = r.object["routes"]?.arrayValue {
            for (i, value) in list.enumerated() {
                if let route = parseRoute(value, file: file, pointer: "/routes/\(i)", targets: targets, resolve: resolve, problems: &problems) {
                    routes.append(route)
                }
            }
        }
        if routes.isEmpty && problems.isEmpty {
            problems.append(ConfigProblem(file: file, pointer: "/routes", message: "must list at least one route"))
        }
        guard problems.isEmpty else { throw ConfigProblems(problems) }
        var config = Config(host: host, port: port, admin: admin, eventLoopThreads: eventLoopThreads, mappings: mappings, journalLocation: journalLocation, durability: durability,
                            timeoutMilliseconds: timeout, connectTimeoutMilliseconds: connectTimeout, backoff: backoff,
                            pollIntervalMilliseconds: poll, retryWindowHours: retryWindowHours, targets: targets, routes: routes)
        config.breaker = breaker
        config.drainMilliseconds = drain
        config.idleTimeoutMilliseconds = idleTimeout
        config.cpuScheduling = cpuScheduling
        config.journalMaxBytes = journalMaxBytes
        config.journalPasswordVariable = journalPasswordVariable
        config.retentionHours = retentionHours
        config.pruneIntervalMilliseconds = pruneIntervalMs
        return config
    }

    /// Listens on `HOST:PORT` instead; false (and no change) when `text` is not one.
    public mutating func setListen(_ text: String) -> Bool {
        guard let (host, port) = Self.hostAndPort(text) else { return false }
        self.host = host
        self.port = port
        return true
    }

    /// `HOST:PORT` split, or nil.
    static func hostAndPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        return (String(text[..<colon]), port)
    }

    private static func parseTarget(
        _ value: JSONValue, file: String, pointer: String, resolve: (String) -> String, problems: inout [ConfigProblem]
    ) -> Target? {
        guard let r = JSONReader(value, file: file, pointer: pointer,
                                 allowed: ["provider", "endpoint", "url", "baseURL", "region", "settings", "secrets", "caFile", "rateLimit"],
                                 problems: &problems)
        else { return nil }
        let provider = r.string("provider", required: true, problems: &problems)
        let endpoint = r.string("endpoint", problems: &problems) ?? "track"
        let settings = Dictionary(r.stringMembers("settings", "must be an object of names to strings", problems: &problems) ?? [],
                                  uniquingKeysWith: { a, _ in a })
        var secrets: [String: SecretSource] = [:]
        if let s = r.object["secrets"] {
            if case .object(let o) = s {
                for m in o.members {
                    secrets[m.key] = SecretSource.parse(m.value, file: file, pointer: r.at("secrets") + "/" + pointerEscape(m.key), problems: &problems)
                }
            } else {
                problems.append(r.problem(at: "secrets", "must be an object of secret names to sources"))
            }
        }
        var rateLimit: RateLimit??
        if let value = r.object["rateLimit"] {
            if value == .string("none") {
                rateLimit = .some(nil)
            } else if let limit = RateLimit.parse(value, file: file, at: r.at("rateLimit"), problems: &problems) {
                rateLimit = limit
            }
        }
        guard let provider else { return nil }
        return Target(provider: provider, endpoint: endpoint, url: r.string("url", problems: &problems),
                      baseURL: r.string("baseURL", problems: &problems), settings: settings, secrets: secrets,
                      caFile: r.string("caFile", problems: &problems).map(resolve), region: r.string("region", problems: &problems),
                      rateLimit: rateLimit)
    }

    private static func parseRoute(
        _ value: JSONValue, file: String, pointer: String, targets: [String: Target], resolve: (String) -> String,
        problems: inout [ConfigProblem]
    ) -> Route? {
        guard let r = JSONReader(value, file: file, pointer: pointer,
                                 allowed: ["name", "from", "endpoint", "keys", "to", "shadows", "mode", "deadlineMs", "prefix"],
                                 problems: &problems)
        else { return nil }
        let name = r.string("name", required: true, problems: &problems)
        let from = r.string("from", required: true, problems: &problems)
        let endpoint = r.string("endpoint", problems: &problems) ?? "track"
        let primary = r.string("to", problems: &problems)
        let shadows = r.object["shadows"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for target in [primary].compactMap({ $0 }) + shadows where targets[target] == nil {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "no target named '\(target)'\(suggest(target, Array(targets.keys)))"))
        }
        let mode = r.choice("mode", InboundRoute.Mode.self, problems: &problems) ?? .forward
        let deadline = r.int("deadlineMs", range: 1...600_000, problems: &problems) ?? 2_000
        var keys: SecretSource?
        if let k = r.object["keys"] {
            keys = SecretSource.parse(k, file: file, pointer: r.at("keys"), problems: &problems).map {
                if case .file(let path) = $0 { return .file(resolve(path)) }
                return $0
            }
        } else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'keys' (where the accepted app keys come from)"))
        }
        let prefix = r.string("prefix", problems: &problems) ?? ""
        if !prefix.isEmpty, !prefix.hasPrefix("/") || prefix.hasSuffix("/") {
            problems.append(r.problem(at: "prefix", "must start with '/' and not end with one, e.g. /to-flameup"))
        }
        guard let name, let from, let keys else { return nil }
        var route = Route(name: name, provider: from, endpoint: endpoint, keys: keys, primary: primary, shadows: shadows,
                          mode: mode, deadlineMilliseconds: deadline)
        route.prefix = prefix
        return route
    }

    private static func suggest(_ word: String, _ candidates: [String]) -> String {
        candidates.isEmpty ? "" : " (targets: \(candidates.sorted().joined(separator: ", ")))"
    }
}

extension Config {
    /// Opens the journal the config names (its PostgreSQL password read from `environment`).
    public func openJournal(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any Journal {
        try SwitchboardJournal.openJournal(journalLocation, passwordVariable: journalPasswordVariable, environment: environment,
                                           durability: durability, maxBytes: journalMaxBytes)
    }

    /// True when the journal is shared by several instances (PostgreSQL).
    public var journalIsShared: Bool { PostgresSettings.isURL(journalLocation) }
}
