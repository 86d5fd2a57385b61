import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import SwitchboardMapping
import SwitchboardSandbox
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// docs/MIGRATION.md, scripted: an app on user.com moves to Flameup — dual-write, compare,
/// backfill (killed with -9 and started again), cut over — on the strict sandbox mocks.
@Suite(.serialized) struct MigrationTests {
    static let users = 20, history = 100, dualWritten = 10

    final class Scenario: @unchecked Sendable {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-migration-\(UUID().uuidString)").path
        let vendors: SandboxVendors
        var environment: [String: String] = ["APP_KEYS": "app-key"]
        var gateway: Gateway?
        var run: Task<Void, any Error>?
        var port = 0
        /// A PostgreSQL journal instead of the SQLite file (its password in the environment).
        var journalURL: String?

        init() async throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let certificates = try SandboxCertificates.load(ca: fixture("tls/ca.pem"), certificate: fixture("tls/server.pem"), key: fixture("tls/server.key"))
            // A little more than the target is paced to (500/s), so that arrival jitter on a loaded
            // machine cannot make the strict mock answer 429.
            vendors = try await SandboxVendors.start(certificates: certificates, flameupRateLimit: (600, 1))
            environment["USERCOM_TOKEN"] = vendors.usercom.key
            environment["FLAMEUP_TOKEN"] = vendors.flameup.token
        }

        var configFile: String { "\(directory)/config.json" }

        /// The config with this route line: the only thing a migration edits.
        func writeConfig(route: String) throws {
            try """
                {
                  "listen": "127.0.0.1:0", "mappings": "\(repositoryRoot)/mappings",
                  "journal": { \(journalURL.map { #""url": "\#($0)""# } ?? #""path": "\#(directory)/journal.sqlite""#), "durability": "normal" },
                  "delivery": { "backoffBaseMs": 50, "backoffCapMs": 200, "pollIntervalMs": 20 },
                  "targets": {
                    "usercom": { "provider": "usercom", "baseURL": "\(vendors.vendor("usercom")!.server.baseURL)", "caFile": "\(fixture("tls/ca.pem"))",
                                 "settings": { "appSubdomain": "acme" }, "secrets": { "token": { "env": "USERCOM_TOKEN" } } },
                    "flameup": { "provider": "flameup", "baseURL": "\(vendors.vendor("flameup")!.server.baseURL)", "caFile": "\(fixture("tls/ca.pem"))",
                                 "rateLimit": { "requests": 500, "perSeconds": 1 },
                                 "settings": { "workspaceId": "\(SandboxVendors.workspace)" }, "secrets": { "token": { "env": "FLAMEUP_TOKEN" } } }
                  },
                  "routes": [
                    \(route)
                  ]
                }
                """.write(toFile: configFile, atomically: true, encoding: .utf8)
        }

        func startGateway() async throws {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let data = FileManager.default.contents(atPath: configFile)!
            let gateway = try Gateway(config: Config.parse(Array(data), file: configFile), configFile: configFile,
                                      environment: environment, mappingClock: GatewayHarness.clock, logger: logger)
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            run = Task { try await gateway.run(signals: [], onListening: { continuation.yield($0) }) }
            var iterator = ports.makeAsyncIterator()
            port = await iterator.next() ?? 0
            self.gateway = gateway
        }

        func stopGateway() async {
            run?.cancel()
            _ = try? await run?.value
            gateway = nil
        }

        /// Each user sends its events one after another (sequence numbers `from..<to`), users at once.
        func send(_ range: Range<Int>) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for user in 0..<MigrationTests.users {
                    group.addTask { [port] in
                        for seq in range {
                            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/public/users-by-id/user-\(user)/events/")!)
                            request.httpMethod = "POST"
                            request.setValue("Token app-key", forHTTPHeaderField: "Authorization")
                            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                            request.httpBody = Data(#"{"name": "step", "data": {"seq": \#(seq)}}"#.utf8)
                            let (_, response) = try await URLSession.shared.data(for: request)
                            guard (response as! HTTPURLResponse).statusCode == 200 else { throw CLIError(output: "status \((response as! HTTPURLResponse).statusCode)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        /// A `switchboard` subprocess with the scenario's environment.
        func command(_ arguments: [String]) throws -> (Process, Pipe) {
            try SwitchboardCLI.start(arguments, environment: environment)
        }

        /// The app on user.com sends `events` events per user; then Flameup is added as a shadow
        /// (by reload) and a `switchboard backfill` process sends it the history. Returns that
        /// process's exit status and output.
        func dualWriteAndBackfill(events: Int) async throws -> (status: Int32, output: String) {
            try writeConfig(route: #"{ "name": "app", "from": "usercom", "to": "usercom", "keys": { "env": "APP_KEYS" } }"#)
            try await startGateway()
            try await send(0..<events)
            try writeConfig(route: #"{ "name": "app", "from": "usercom", "to": "usercom", "shadows": ["flameup"], "keys": { "env": "APP_KEYS" } }"#)
            guard gateway!.reloader.reload() else { throw CLIError(output: "the reload was refused") }
            let (process, pipe) = try command(["backfill", "--config", configFile, "--route", "app", "--target", "flameup"])
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }

        func stop() async {
            await stopGateway()
            await vendors.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    struct CLIError: Error { let output: String }

    /// (user, seq) of each event Flameup accepted, in arrival order.
    static func received(_ mock: MockVendor) -> [(user: String, seq: Int)] {
        mock.accepted.compactMap { r in
            guard let body = try? JSONParser.parse(r.body), let user = body["userId"]?.stringValue,
                let seq = body["properties"]?["seq"]?.numberValue?.int64Value else { return nil }
            return (user, Int(seq))
        }
    }

    @Test func userComToFlameupDualWriteCompareBackfillWithAKillAndCutOver() async throws {
        try await using(try await Scenario(), stop: { await $0.stop() }) { s in
            // Before: the app's user.com calls go to user.com.
            try s.writeConfig(route: #"{ "name": "app", "from": "usercom", "to": "usercom", "keys": { "env": "APP_KEYS" } }"#)
            try await s.startGateway()
            try await s.send(0..<Self.history)
            let historyCount = Self.users * Self.history
            #expect(await waitFor { s.vendors.usercom.accepted.count == historyCount })
            try await Task.sleep(for: .milliseconds(5))
            let cutoff = SystemClock().now()
            try await Task.sleep(for: .milliseconds(5))

            // Dual-write: Flameup joins as a shadow — one line, picked up by reload.
            try s.writeConfig(route: #"{ "name": "app", "from": "usercom", "to": "usercom", "shadows": ["flameup"], "keys": { "env": "APP_KEYS" } }"#)
            #expect(s.gateway!.reloader.reload())
            try await s.send(Self.history..<(Self.history + Self.dualWritten))
            let dualCount = Self.users * Self.dualWritten
            #expect(await waitFor { s.vendors.flameup.accepted.count == dualCount && s.vendors.usercom.accepted.count == historyCount + dualCount })

            // Compare.
            let (reportProcess, reportPipe) = try s.command(["migrate", "report", "--config", s.configFile, "--route", "app", "--json"])
            let reportOutput = reportPipe.fileHandleForReading.readDataToEndOfFile()
            reportProcess.waitUntilExit()
            let report = try JSONParser.parse(Array(reportOutput))
            #expect(report["events"] == .integer(Int64(historyCount + dualCount)))
            let targets = report["targets"]?.arrayValue ?? []
            #expect(targets.map { $0["name"]?.stringValue } == ["usercom", "flameup"])
            #expect(targets.first?["delivered"] == .integer(Int64(historyCount + dualCount)))
            #expect(targets.last?["delivered"] == .integer(Int64(dualCount)))
            #expect(targets.last?["missing"] == .integer(Int64(historyCount)), "the history is not in Flameup yet")

            // Backfill the history with the gateway stopped; kill it with -9 part of the way through.
            await s.stopGateway()
            let backfill = ["backfill", "--config", s.configFile, "--route", "app", "--target", "flameup", "--until", cutoff.rfc3339(precision: .milliseconds)]
            let (dry, dryPipe) = try s.command(backfill + ["--dry-run"])
            let dryOutput = String(decoding: dryPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            dry.waitUntilExit()
            #expect(dryOutput.contains("\(historyCount) have no delivery to flameup and would be sent"), "\(dryOutput)")
            #expect(s.vendors.flameup.accepted.count == dualCount, "a dry run sends nothing")
            let (first, _) = try s.command(backfill)
            #expect(await waitFor(30) { s.vendors.flameup.accepted.count >= dualCount + historyCount / 3 })
            #expect(first.isRunning, "killed part of the way through")
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            let atKill = s.vendors.flameup.accepted.count
            #expect(atKill < dualCount + historyCount)
            let (second, secondPipe) = try s.command(backfill)
            let secondOutput = String(decoding: secondPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            second.waitUntilExit()
            #expect(second.terminationStatus == 0, "\(secondOutput)")
            #expect(secondOutput.contains("delivered \(historyCount), dead-lettered 0"), "\(secondOutput)")

            // The counting rule: every event exactly once, apart from requests in flight at the kill.
            let all = Self.received(s.vendors.flameup)
            let distinct = Set(all.map { "\($0.user)#\($0.seq)" })
            #expect(distinct.count == historyCount + dualCount, "every event reached Flameup")
            #expect(all.count - distinct.count == s.vendors.flameup.duplicates, "each extra copy is a request sent again, known by its Idempotency-Key")
            #expect(s.vendors.flameup.duplicates <= Self.users, "only the requests in flight at the kill: one per user line")
            #expect(s.vendors.flameup.rateLimited == 0, "paced to Flameup's limit")
            for user in 0..<Self.users {
                let seqs = all.filter { $0.user == "user-\(user)" && $0.seq < Self.history }.map(\.seq)
                var seen = Set<Int>()
                let firsts = seqs.filter { seen.insert($0).inserted }
                #expect(firsts == Array(0..<Self.history), "user-\(user)'s history arrived in order")
            }

            // Cut over: Flameup becomes the primary, user.com a shadow — one line again, reloaded.
            try await s.startGateway()
            try s.writeConfig(route: #"{ "name": "app", "from": "usercom", "to": "flameup", "shadows": ["usercom"], "keys": { "env": "APP_KEYS" } }"#)
            #expect(s.gateway!.reloader.reload())
            try await s.send(200..<201)
            let records = try s.gateway!.journal.deliveries(states: [.delivered, .pending], limit: 200)
            let newest = records.filter { $0.eventId == records.map(\.eventId).max() }.sorted { $0.deliveryId < $1.deliveryId }
            #expect(newest.map(\.target) == ["flameup", "usercom"], "the primary's delivery comes first")
        }
    }
}

extension MigrationTests {
    @Test func aBackfillWhileTheGatewayRunsIsSentByTheGatewayAndOnlyWatched() async throws {
        try await using(try await Scenario(), stop: { await $0.stop() }) { s in
            let (status, output) = try await s.dualWriteAndBackfill(events: 2)
            #expect(status == 0, "\(output)")
            #expect(output.contains("a gateway is delivering from this journal; it sends the backfill"))
            #expect(output.contains("delivered \(Self.users * 2), dead-lettered 0"))
            #expect(Set(Self.received(s.vendors.flameup).map { "\($0.user)#\($0.seq)" }).count == Self.users * 2)
            #expect(s.vendors.flameup.duplicates == 0)
            // A second gateway on the same journal is refused while the first delivers.
            let second = try Gateway(config: Config.parse(Array(FileManager.default.contents(atPath: s.configFile)!), file: s.configFile),
                                     environment: s.environment, logger: Logger(label: "test"))
            await #expect(throws: ConfigProblems.self) { try await second.run(signals: []) }
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"] != nil, "needs SWITCHBOARD_TEST_POSTGRES"))
    func onASharedJournalABackfillDeliversAlongsideTheGatewayAndASecondGatewayStarts() async throws {
        let environment = ProcessInfo.processInfo.environment
        let scenario = try await Scenario()
        scenario.journalURL = environment["SWITCHBOARD_TEST_POSTGRES"]! + "?schema=migration_\(UUID().uuidString.prefix(8).lowercased())"
        scenario.environment[PostgresSettings.defaultPasswordVariable] = environment["SWITCHBOARD_TEST_POSTGRES_PASSWORD"] ?? ""
        try await using(scenario, stop: { await $0.stop() }) { s in
            let (status, output) = try await s.dualWriteAndBackfill(events: 3)
            #expect(status == 0, "\(output)")
            #expect(!output.contains("only watches") && !output.contains("a gateway is delivering"), "both deliver: claims share the work")
            #expect(output.contains("delivered \(Self.users * 3), dead-lettered 0"), "\(output)")
            let received = Self.received(s.vendors.flameup)
            #expect(Set(received.map { "\($0.user)#\($0.seq)" }).count == Self.users * 3)
            #expect(s.vendors.flameup.duplicates == 0, "no delivery sent by both")
            for user in Set(received.map(\.user)) {
                let seqs = received.filter { $0.user == user }.map(\.seq)
                #expect(seqs == seqs.sorted(), "\(user)'s history in order")
            }
            // A second gateway on the same journal starts: no delivery lock on a shared journal.
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let second = try Gateway(config: Config.parse(Array(FileManager.default.contents(atPath: s.configFile)!), file: s.configFile),
                                     environment: s.environment, logger: logger)
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let run = Task { try await second.run(signals: [], onListening: { continuation.yield($0) }) }
            var iterator = ports.makeAsyncIterator()
            #expect(await iterator.next() ?? 0 > 0)
            run.cancel()
            _ = try? await run.value
        }
    }
}
