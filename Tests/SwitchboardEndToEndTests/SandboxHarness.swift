import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardSandbox
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The sandbox as `serve --sandbox` builds it — every vendor's strict mock over TLS with a CA
/// made at start, routes from every vendor to every other — with a real gateway on port 0, a
/// SQLite file in a temporary folder, and mappings that read 2024-12-25T10:00:00Z as now.
final class SandboxHarness: @unchecked Sendable {
    let directory: String
    let session: SandboxSession
    let gateway: Gateway
    private(set) var port = 0
    private var runTask: Task<Void, any Error>?

    var vendors: SandboxVendors { session.vendors }

    /// - Parameter config: a config's text to run instead of the sandbox's (its targets are
    ///   pointed at the mocks); `DIR` in it stands for the harness's temporary folder.
    init(config: String? = nil) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-sandbox-\(UUID().uuidString)").path
        self.directory = directory
        var logger = Logger(label: "switchboard.test")
        logger.logLevel = .critical
        let base = try config.map { text in
            try Config.parse(Array(text.replacingOccurrences(of: "DIR", with: directory).utf8), file: "\(directory)/config.json")
        }
        session = try await SandboxSession.start(stateDirectory: directory, mappings: "\(repositoryRoot)/mappings",
                                                 listen: "127.0.0.1:0", base: base, echo: false, logger: logger)
        gateway = try Gateway(config: session.config, environment: session.environment, mappingClock: GatewayHarness.clock,
                              logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        runTask = Task { [gateway] in try await gateway.run(signals: [], onListening: { continuation.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    func stop() async {
        runTask?.cancel()
        _ = try? await runTask?.value
        await vendors.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The header an app of `vendor` authenticates with in the sandbox.
    static func authorization(_ vendor: String) -> (String, String) {
        switch vendor {
        case "usercom": ("Authorization", "Token \(SandboxConfig.appKey(vendor))")
        case "vibetrace": ("Authorization", SandboxConfig.appKey(vendor))
        case "gainsightpx": ("X-APTRINSIC-API-KEY", SandboxConfig.appKey(vendor))
        case "flameup": ("Authorization", "Bearer \(SandboxConfig.appKey(vendor))")
        default: ("instance-jwt", SandboxSession.builderJWT)
        }
    }

    /// Sends a request as an app of `vendor` would; returns the status and body text.
    func send(as vendor: String, method: String = "POST", path: String, body: [UInt8], headers: [(String, String)] = [])
        async throws -> (status: Int, body: String)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (name, value) = Self.authorization(vendor)
        request.setValue(value, forHTTPHeaderField: name)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if method != "GET" { request.httpBody = Data(body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) async rethrows -> Bool {
        try await waitFor(seconds, condition)
    }
}

/// Runs `body` with a fresh sandbox (or `config` on the sandbox's mocks) and always stops it.
func withSandbox(config: String? = nil, _ body: (SandboxHarness) async throws -> Void) async throws {
    try await using(try await SandboxHarness(config: config), stop: { await $0.stop() }, body)
}
