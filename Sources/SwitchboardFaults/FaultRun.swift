import Foundation
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import SwitchboardSandbox

/// Runs load against a real gateway process in front of a strict mock Flameup while a fault
/// scenario plays out, then checks the counting rule (see ``FaultReport``).
///
/// Each simulated user sends its events one after another (the next only after the previous
/// answer), each event carrying its user and a sequence number, so the order the vendor must see
/// is defined.
public final class FaultRun: @unchecked Sendable {
    public struct Options: Sendable {
        /// The `switchboard` executable.
        public var switchboard: String
        /// The mappings folder.
        public var mappings: String
        /// Where the journal, config and logs go.
        public var directory: String
        public var scenario: FaultScenario
        public var duration: Duration
        /// Users sending at once (each one request at a time).
        public var users = 32
        /// Events per request: 1 sends each event alone to user.com's track endpoint; more send
        /// them in one request to Flameup's batch endpoint, relayed to the same mock Flameup.
        public var batchSize = 1
        /// The load's pace in events per second over all users; nil sends each user's next
        /// request as soon as the previous one is answered.
        public var eventsPerSecond: Double?
        /// Seconds between faults, chosen at random in this range.
        public var faultEvery: ClosedRange<Double> = 3...5
        /// Faults played out even when `duration` is over first (a slow machine restarts the
        /// gateway slowly), the load going on until they are done; at most three times
        /// `duration` in all.
        public var minimumFaults = 0
        /// How long the backlog may stay without shrinking at the end before the run stops
        /// waiting for every delivery to settle.
        public var settleTimeout: Duration = .seconds(90)
        /// Gateway instances, each on its own port, all on one journal.
        public var instances = 1
        /// The journal: nil, an SQLite file in `directory`; else a PostgreSQL URL, which several
        /// instances can share, and its password.
        public var journalURL: String?
        public var journalPassword: String?

        public init(switchboard: String, mappings: String, directory: String, scenario: FaultScenario, duration: Duration) {
            self.switchboard = switchboard
            self.mappings = mappings
            self.directory = directory
            self.scenario = scenario
            self.duration = duration
        }
    }

    static let token = "fl_faults_token_0123456789"
    static let appKey = "uc_faults_key_0123456789"
    /// The key of the app that sends batches to Flameup's batch endpoint.
    static let batchAppKey = "fl_faults_app_key_0123456789"
    static let workspace = "ws_faults"

    let options: Options
    let flameup = MockFlameup(token: token, workspace: workspace)
    private let certificates: SandboxCertificates
    private var server: MockServer!
    private var gateways: [GatewayProcess] = []
    private let client = CurlTransport(options: TransportOptions(timeoutMilliseconds: 15_000, connectTimeoutMilliseconds: 1_000))
    private let lock = NSLock()
    private var report: FaultReport
    private var acceptedSeqs: Set<Int> = []
    private var gatewayPorts: [Int] = []
    /// While set, the mock answers every request slower than the gateway's timeout.
    private var stalled = false
    /// Vendor outages in which the vendor's server stopped (connections refused).
    private var refusedOutages = 0

    public init(_ options: Options) throws {
        self.options = options
        report = FaultReport(scenario: options.scenario)
        report.instances = options.instances
        certificates = try SandboxCertificates.generate()
    }

    deinit { client.shutdown() }

    /// Runs the scenario and returns what was counted.
    public func run() async throws -> FaultReport {
        let started = ContinuousClock.now
        try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        try await startVendor(port: 0)
        for index in 0..<max(1, options.instances) {
            let port = try Self.freePort()
            gatewayPorts.append(port)
            gateways.append(GatewayProcess(
                executable: options.switchboard, configFile: try writeConfig(port: port, index: index),
                environment: ["FAULTS_FLAMEUP_TOKEN": Self.token, "FAULTS_USERCOM_KEYS": Self.appKey,
                              "FAULTS_FLAMEUP_APP_KEYS": Self.batchAppKey,
                              PostgresSettings.defaultPasswordVariable: options.journalPassword ?? ""],
                logFile: "\(options.directory)/gateway-\(index).log"))
        }
        for index in gateways.indices {
            try gateways[index].start()
            try await waitUntilReady(index)
        }

        let loadStarted = ContinuousClock.now
        let load = LoadWindow(planned: loadStarted + options.duration, cap: loadStarted + options.duration * 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in 0..<options.users {
                group.addTask { await self.sendEvents(user: user, during: load) }
            }
            group.addTask { try await self.injectFaults(during: load) }
            try await group.waitForAll()
        }
        report.loadSeconds = (ContinuousClock.now - loadStarted).inSeconds
        countCrashes()
        // A single gateway killed last is started again to finish; a fleet finishes without the
        // instance that died.
        if gateways.count == 1, !gateways[0].isRunning {
            try gateways[0].start()
            try await waitUntilReady(0)
        }
        let loadEnded = ContinuousClock.now
        try await settleAndCount()
        report.settleSeconds = (ContinuousClock.now - loadEnded).inSeconds
        for gateway in gateways { gateway.send(SIGTERM) }
        for gateway in gateways { _ = await gateway.waitForExit(timeout: .seconds(30)) }
        countCrashes()
        // A crash report whose process a fault killed before it exited counts too.
        report.crashes = max(report.crashes, gateways.reduce(0) { $0 + $1.crashReports() })
        await server.stop()
        report.seconds = (ContinuousClock.now - started).inSeconds
        return report
    }

    // MARK: - Load

    /// One user's events, to instance `user % instances` (as a load balancer would pin it);
    /// when that one does not answer, to the next. Paced when `eventsPerSecond` is set.
    private func sendEvents(user: Int, during load: LoadWindow) async {
        var seq = user * 10_000_000
        var instance = user % gatewayPorts.count
        let batch = max(1, options.batchSize)
        let interval = options.eventsPerSecond.map { Duration.seconds(Double(options.users * batch) / $0) }
        // Users start spread over one interval, so that a paced load does not come in waves.
        var nextSend = ContinuousClock.now + (interval.map { $0 * (Double(user) / Double(options.users)) } ?? .zero)
        while loadGoesOn(load, at: ContinuousClock.now) {
            if let interval {
                try? await Task.sleep(until: nextSend)
                nextSend += interval
            }
            let gatewayPort = gatewayPorts[instance]
            let seqs = (seq + 1)...(seq + batch)
            seq += batch
            let result = await client.send(request(user: user, seqs: seqs, port: gatewayPort))
            let status = result.status ?? 0
            lock.withLock {
                report.sent += batch
                switch status {
                case 200..<300:
                    report.accepted += batch
                    acceptedSeqs.formUnion(seqs)
                case 0: report.unanswered += batch
                default: report.refused += batch
                }
            }
            if status == 0 {
                instance = (instance + 1) % gatewayPorts.count
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// One request carrying the user's events `seqs`: alone to user.com, or as a Flameup batch.
    private func request(user: Int, seqs: ClosedRange<Int>, port: Int) -> OutboundRequest {
        if seqs.count == 1 {
            let body = #"{"name":"fault_event","timestamp":1700000000,"data":{"user":"u\#(user)","seq":\#(seqs.lowerBound)}}"#
            return OutboundRequest(
                method: "POST", url: "http://127.0.0.1:\(port)/api/public/users-by-id/u\(user)/events/",
                headers: ["Authorization: Token \(Self.appKey)", "Content-Type: application/json"], body: Array(body.utf8))
        }
        let events = seqs.map {
            #"{"userId":"u\#(user)","event":"fault_event","timestamp":"2023-11-14T22:13:20Z","properties":{"user":"u\#(user)","seq":\#($0)}}"#
        }
        return OutboundRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/api/v1/workspaces/\(Self.workspace)/events/batch",
            headers: ["Authorization: Bearer \(Self.batchAppKey)", "Content-Type: application/json"],
            body: Array(#"{"events":[\#(events.joined(separator: ","))]}"#.utf8))
    }

    // MARK: - Faults

    private func injectFaults(during load: LoadWindow) async throws {
        var phase = 0
        if options.scenario == .fleetKill {
            // Once, midway, with every instance busy: the victim never comes back.
            try await Task.sleep(until: ContinuousClock.now + (load.planned - ContinuousClock.now) / 2)
            await gateways[0].killHard()
            lock.withLock { report.faults += 1 }
            return
        }
        let gateway = gateways[0]
        while true {
            let wait = Double.random(in: options.faultEvery)
            guard loadGoesOn(load, at: ContinuousClock.now + .milliseconds(Int64(wait * 1000))) else { return }
            try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            countCrashes()
            switch options.scenario {
            case .none, .fleetKill:
                continue
            case .kill:
                await gateway.killHard()
                try gateway.start()
                try await waitUntilReady(0)
            case .sigterm:
                gateway.send(SIGTERM)
                let status = await gateway.waitForExit(timeout: .seconds(20))
                if status != 0 { lock.withLock { report.uncleanStops += 1 } }
                if status == nil { await gateway.killHard() }
                try gateway.start()
                try await waitUntilReady(0)
            case .vendorDown:
                try await vendorOutage(kind: phase % 3, seconds: 2)
                phase += 1
            }
            lock.withLock { report.faults += 1 }
        }
    }

    /// Counts the gateways that exited without a fault stopping them.
    private func countCrashes() {
        let crashed = gateways.filter { $0.takeCrash() }.count
        if crashed > 0 { lock.withLock { report.crashes += crashed } }
    }

    /// The load's planned end, and the latest it may run to for `minimumFaults`.
    private struct LoadWindow {
        let planned: ContinuousClock.Instant
        let cap: ContinuousClock.Instant
    }

    /// Whether the load still runs at `instant`: until its planned end, and past it while fewer
    /// than `minimumFaults` faults were made.
    private func loadGoesOn(_ load: LoadWindow, at instant: ContinuousClock.Instant) -> Bool {
        instant < load.cap && (instant < load.planned || lock.withLock { report.faults } < options.minimumFaults)
    }

    /// One vendor outage: 0 connection refused, 1 answers 503, 2 answers slower than the timeout.
    private func vendorOutage(kind: Int, seconds: Int) async throws {
        switch kind {
        case 0:
            lock.withLock { refusedOutages += 1 }
            let port = server.port
            await server.stop()
            try await Task.sleep(for: .seconds(seconds))
            try await startVendor(port: port)
        case 1:
            flameup.failAll(with: MockFlameup.requestError(503, type: "unavailable", message: "down for maintenance"))
            try await Task.sleep(for: .seconds(seconds))
            flameup.failAll(with: nil)
        default:
            lock.withLock { stalled = true }
            try await Task.sleep(for: .seconds(seconds))
            lock.withLock { stalled = false }
        }
    }

    private func startVendor(port: Int) async throws {
        let flameup = self.flameup
        server = try await MockServer.start(port: port, certificates: certificates) { [self] request in
            if lock.withLock({ stalled }) {
                try? await Task.sleep(for: .seconds(3))  // longer than the gateway's 2 s timeout
                return MockFlameup.requestError(503, type: "unavailable", message: "overloaded")
            }
            return flameup.handle(request)
        }
    }

    // MARK: - The end

    /// Waits until nothing is pending, then counts against the counting rule.
    private func settleAndCount() async throws {
        let journal = try openJournal(journalLocation, environment: [PostgresSettings.defaultPasswordVariable: options.journalPassword ?? ""])
        defer { journal.close() }
        // A long run may end with a large backlog: wait while it keeps shrinking.
        var smallest = try journal.backlog().count
        var deadline = ContinuousClock.now + options.settleTimeout
        while smallest > 0, ContinuousClock.now < deadline {
            // Counting the backlog reads all of it: not so often that the count slows the drain.
            try await Task.sleep(for: .seconds(1))
            let backlog = try journal.backlog().count
            if backlog < smallest { deadline = ContinuousClock.now + options.settleTimeout }
            smallest = min(smallest, backlog)
        }
        report.pending = try journal.backlog().count
        report.dead = try journal.deliveries(states: [.dead], limit: 100_000).count
        var firstArrival: [Int: [Int]] = [:]  // user → seqs in the order the vendor first accepted them
        var seen: Set<Int> = []
        for received in flameup.accepted {
            guard let json = try? JSONParser.parse(received.body),
                let seq = json["properties"]?["seq"]?.numberValue?.int64Value.map(Int.init), seen.insert(seq).inserted
            else { continue }
            firstArrival[seq / 10_000_000, default: []].append(seq)
        }
        report.delivered = seen.count
        report.duplicates = flameup.duplicates
        report.allowedDuplicates = switch options.scenario {
        case .kill, .fleetKill: report.faults * options.users
        // A vendor that stops mid-request may have accepted an event whose answer never came back.
        case .vendorDown: refusedOutages * options.users
        case .none, .sigterm: 0
        }
        report.lost = acceptedSeqs.subtracting(seen).count
        report.inversions = firstArrival.values.reduce(0) { total, seqs in
            var highest = Int.min
            var inversions = 0
            for seq in seqs {
                if seq < highest { inversions += 1 }
                highest = max(highest, seq)
            }
            return total + inversions
        }
    }

    private func waitUntilReady(_ index: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let probe = OutboundRequest(method: "GET", url: "http://127.0.0.1:\(gatewayPorts[index])/ready", headers: [], body: [])
            if await client.send(probe).status != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FaultRunError(message: "the gateway did not start; see \(options.directory)/gateway-\(index).log")
    }

    private var journalLocation: String { options.journalURL ?? "\(options.directory)/journal.sqlite" }

    private func writeConfig(port: Int, index: Int) throws -> String {
        let caFile = "\(options.directory)/ca.pem"
        try certificates.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        let config = """
            {
              "listen": "127.0.0.1:\(port)",
              "mappings": "\(options.mappings)",
              "journal": { "\(options.journalURL == nil ? "path" : "url")": "\(journalLocation)", "durability": "full" },
              "delivery": { "timeoutMs": 2000, "connectTimeoutMs": 500, "backoffBaseMs": 100, "backoffCapMs": 1000,
                            "pollIntervalMs": 50, "breakerThreshold": 5, "breakerOpenMs": 300, "drainMs": 5000 },
              "targets": {
                "flameup": { "provider": "flameup", "baseURL": "\(server.baseURL)", "caFile": "\(caFile)", "rateLimit": "none",
                             "settings": { "workspaceId": "\(Self.workspace)" }, "secrets": { "token": { "env": "FAULTS_FLAMEUP_TOKEN" } } }
              },
              "routes": [
                { "name": "usercom-to-flameup", "from": "usercom", "to": "flameup", "keys": { "env": "FAULTS_USERCOM_KEYS" },
                  "mode": "forward", "deadlineMs": 1000 },
                { "name": "flameup-batches", "from": "flameup", "endpoint": "trackBatch", "to": "flameup", "keys": { "env": "FAULTS_FLAMEUP_APP_KEYS" },
                  "mode": "forward", "deadlineMs": 1000 }
              ]
            }
            """
        let file = "\(options.directory)/config-\(index).json"
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A TCP port that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FaultRunError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw FaultRunError(message: "bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct FaultRunError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
