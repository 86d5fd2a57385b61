import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import SwitchboardSandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

func fixture(_ path: String) -> String { "\(repositoryRoot)/fixtures/\(path)" }

/// A real gateway (HTTP server on port 0, SQLite file, libcurl over TLS) in front of a strict
/// mock Flameup that uses the test CA under fixtures/tls.
final class GatewayHarness: @unchecked Sendable {
    static let appKey = "uc_test_key_0123456789abcdef"
    static let token = "ws_test_token_abcdef"
    static let workspace = "ws_e2e"
    /// The mappings' clock in tests: 2024-12-25T10:00:00Z.
    static let clock = FixedClock(Instant(rfc3339: "2024-12-25T10:00:00Z")!)

    let directory: String
    let flameup: MockFlameup
    let server: MockServer
    private(set) var gateway: Gateway!
    private(set) var port = 0
    private var runTask: Task<Void, any Error>?
    let caFile: String

    /// Starts the mock and the gateway.
    /// - Parameters:
    ///   - caFile: the CA the gateway trusts (the untrusted one makes every TLS handshake fail).
    ///   - mode: the route's mode; `deadlineMs` its forward deadline.
    /// The mappings folder the gateway reads (a copy when the test edits it).
    let mappings: String
    private(set) var adminPort = 0
    static let adminToken = "admin-token-for-tests"
    /// Outages in a row that open the target's circuit breaker (high by default, so that tests
    /// about retries see every attempt).
    var breakerThreshold = 1_000
    /// Extra members of the config's `journal` object, each starting with a comma.
    var journalSettings = ""
    /// Extra top-level members of the config, each starting with a comma.
    var settings = ""
    /// Where the target is instead of the mock Flameup (nil: the mock).
    var targetBaseURL: String?
    /// The target's `rateLimit`: none by default, so that tests about delivery are not paced
    /// to Flameup's 120 requests a minute.
    var rateLimit: String
    /// A PostgreSQL journal (its password in `journalPassword`) instead of the SQLite file.
    let journalURL: String?
    let journalPassword: String?

    /// - Parameters:
    ///   - flameupRateLimit: the mock's allowance (nil: any rate).
    ///   - rateLimit: the target's `rateLimit` in the config.
    init(caFile: String = fixture("tls/ca.pem"), mode: String = "forward", deadlineMs: Int = 5_000,
         directory: String? = nil, copyMappings: Bool = false, flameupRateLimit: (requests: Int, seconds: Double)? = nil,
         rateLimit: String = #""none""#, journalURL: String? = nil, journalPassword: String? = nil) async throws {
        self.rateLimit = rateLimit
        self.journalURL = journalURL
        self.journalPassword = journalPassword
        self.directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        self.caFile = caFile
        if copyMappings {
            mappings = "\(self.directory)/mappings"
            try FileManager.default.copyItem(atPath: "\(repositoryRoot)/mappings", toPath: mappings)
        } else {
            mappings = "\(repositoryRoot)/mappings"
        }
        flameup = MockFlameup(token: Self.token, workspace: Self.workspace, rateLimit: flameupRateLimit)
        let certificates = try SandboxCertificates.load(
            ca: fixture("tls/ca.pem"), certificate: fixture("tls/server.pem"), key: fixture("tls/server.key"))
        server = try await MockServer.start(certificates: certificates) { [flameup] in flameup.handle($0) }
        try await startGateway(mode: mode, deadlineMs: deadlineMs)
    }

    var journalPath: String { "\(directory)/journal.sqlite" }
    var configFile: String { "\(directory)/config.json" }

    /// Starts (or restarts) the gateway on the same journal.
    func startGateway(mode: String = "forward", deadlineMs: Int = 5_000) async throws {
        let config = """
            {
              "listen": "127.0.0.1:0",
              "admin": { "listen": "127.0.0.1:0", "token": { "env": "TEST_ADMIN_TOKEN" } },
              "mappings": "\(mappings)"\(settings),
              "journal": { \(journalURL.map { #""url": "\#($0)""# } ?? #""path": "\#(journalPath)""#), "durability": "full"\(journalSettings) },
              "delivery": { "timeoutMs": 3000, "connectTimeoutMs": 1000, "backoffBaseMs": 50, "backoffCapMs": 200,
                            "pollIntervalMs": 20, "breakerThreshold": \(breakerThreshold), "breakerOpenMs": 200 },
              "targets": {
                "flameup": {
                  "provider": "flameup", "baseURL": "\(targetBaseURL ?? server.baseURL)", "caFile": "\(caFile)", "rateLimit": \(rateLimit),
                  "settings": { "workspaceId": "\(Self.workspace)" }, "secrets": { "token": { "env": "TEST_FLAMEUP_TOKEN" } }
                }
              },
              "routes": [
                { "name": "usercom-to-flameup", "from": "usercom", "to": "flameup", "keys": { "env": "TEST_USERCOM_KEYS" },
                  "mode": "\(mode)", "deadlineMs": \(deadlineMs) }
              ]
            }
            """
        var logger = Logger(label: "switchboard.test")
        logger.logLevel = .critical
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        let parsed = try Config.parse(Array(config.utf8), file: configFile)
        let gateway = try Gateway(
            config: parsed, configFile: configFile,
            environment: ["TEST_FLAMEUP_TOKEN": Self.token, "TEST_USERCOM_KEYS": "other-key,\(Self.appKey)",
                          "TEST_ADMIN_TOKEN": Self.adminToken, PostgresSettings.defaultPasswordVariable: journalPassword ?? ""],
            mappingClock: Self.clock, logger: logger)
        self.gateway = gateway
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let (adminPorts, adminContinuation) = AsyncStream<Int>.makeStream()
        runTask = Task {
            try await gateway.run(signals: [], onListening: { continuation.yield($0) }, onAdminListening: { adminContinuation.yield($0) })
        }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
        var adminIterator = adminPorts.makeAsyncIterator()
        adminPort = await adminIterator.next() ?? 0
    }

    func stopGateway() async {
        runTask?.cancel()
        _ = try? await runTask?.value
        runTask = nil
    }

    func stop() async {
        await stopGateway()
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends an event; returns the status, body text and `Retry-After` header.
    func sendEvent(user: String, body: String = validEvent) async throws -> (status: Int, body: String, retryAfter: String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/public/users-by-id/\(user)/events/")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Token \(Self.appKey)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Retry-After"))
    }

    /// Sends a request to the gateway (or its admin listener); returns the status and body text.
    func send(path: String, body: String, method: String = "POST", authorization: String? = "Token \(appKey)",
              admin: Bool = false) async throws -> (status: Int, body: String)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(admin ? adminPort : port)\(path)")!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if method != "GET" { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) async rethrows -> Bool {
        try await waitFor(seconds, condition)
    }

    func delivery(_ id: Int64) throws -> DeliveryRecord? {
        try gateway.journal.delivery(id: id)
    }

    func deliveries(_ states: Set<DeliveryState> = Set(DeliveryState.allCases)) throws -> [DeliveryRecord] {
        try gateway.journal.deliveries(states: states, limit: 1000)
    }
}

/// Waits (bounded) until `condition` holds; returns whether it did.
func waitFor(_ seconds: Double = 20, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try condition()
}

/// Runs `body` with a fresh harness and always stops it.
func withHarness(
    caFile: String = fixture("tls/ca.pem"), mode: String = "forward", deadlineMs: Int = 5_000, copyMappings: Bool = false,
    flameupRateLimit: (requests: Int, seconds: Double)? = nil, rateLimit: String = #""none""#,
    _ body: (GatewayHarness) async throws -> Void
) async throws {
    let harness = try await GatewayHarness(caFile: caFile, mode: mode, deadlineMs: deadlineMs, copyMappings: copyMappings,
                                           flameupRateLimit: flameupRateLimit, rateLimit: rateLimit)
    try await using(harness, stop: { await $0.stop() }, body)
}

/// Runs `body` with `harness`, then stops it, also when `body` throws.
func using<Harness>(_ harness: Harness, stop: (Harness) async -> Void, _ body: (Harness) async throws -> Void) async throws {
    do {
        try await body(harness)
    } catch {
        await stop(harness)
        throw error
    }
    await stop(harness)
}
