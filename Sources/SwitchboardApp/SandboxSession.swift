import Foundation
import Logging
import SwitchboardMapping
import SwitchboardSandbox

/// `serve --sandbox`: local mock vendors over TLS with a CA made at start, and a config that
/// points the route at them, so the whole flow runs with no vendor accounts.
public struct SandboxSession: Sendable {
    public static let appKey = "sandbox-usercom-key"
    public static let workspace = "ws_sandbox"

    public let config: Config
    public let environment: [String: String]
    public let flameup: MockFlameup
    public let server: MockServer

    /// Starts the mocks and writes the CA under `stateDirectory`.
    /// - Parameters:
    ///   - base: a config to adapt (its targets are pointed at the mocks); nil uses the default.
    public static func start(stateDirectory: String, mappings: String, listen: String?, base: Config?, logger: Logger)
        async throws -> SandboxSession
    {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let certificates = try SandboxCertificates.generate()
        let caFile = (stateDirectory as NSString).appendingPathComponent("sandbox-ca.pem")
        try certificates.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        let token = "ws_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let flameup = MockFlameup(token: token, workspace: workspace)
        let server = try await MockServer.start(certificates: certificates, logger: logger) { request in
            let response = flameup.handle(request)
            say("sandbox flameup ← \(request.method) \(request.uri) → \(response.status)\n  \(String(decoding: request.body, as: UTF8.self))")
            return response
        }
        var config = try base ?? Config.parse(Array(defaultConfig.utf8), file: "sandbox.json")
        if base == nil {
            config.mappings = mappings
            config.journalPath = (stateDirectory as NSString).appendingPathComponent("sandbox.sqlite")
        }
        if let listen, !config.setListen(listen) {
            throw ConfigProblems([ConfigProblem(file: "--listen", pointer: "", message: "must be HOST:PORT")])
        }
        for (name, target) in config.targets where target.provider == "flameup" {
            var t = target
            t.url = nil
            t.baseURL = server.baseURL
            t.settings["workspaceId"] = workspace
            t.secrets["token"] = .environment("SWITCHBOARD_SANDBOX_FLAMEUP_TOKEN")
            t.caFile = caFile
            config.targets[name] = t
        }
        for i in config.routes.indices where config.routes[i].provider == "usercom" {
            config.routes[i].keys = .environment("SWITCHBOARD_SANDBOX_USERCOM_KEY")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_SANDBOX_FLAMEUP_TOKEN"] = token
        environment["SWITCHBOARD_SANDBOX_USERCOM_KEY"] = appKey
        return SandboxSession(config: config, environment: environment, flameup: flameup, server: server)
    }

    /// Writes a line to standard output at once (unbuffered), so it shows up even when piped.
    public static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// What to try, printed when the sandbox is up.
    public func banner(port: Int) -> String {
        """
        Switchboard sandbox is running.
          gateway (user.com API):  http://\(config.host):\(port)/api/public/users-by-id/{user_id}/events/
          app key:                 Token \(Self.appKey)
          mock Flameup (TLS):      \(server.baseURL)/api/v1/workspaces/\(Self.workspace)/events
          journal:                 \(config.journalPath)
        Try:
          curl -s -X POST http://\(config.host):\(port)/api/public/users-by-id/user-42/events/ \\
            -H 'Authorization: Token \(Self.appKey)' -H 'Content-Type: application/json' \\
            -d '{"name": "profile_updated", "timestamp": 1426967129, "data": {"plan": "pro"}}'
        What the mock Flameup receives is printed below. Stop with Ctrl-C.
        """
    }

    /// The sandbox's config: a user.com → Flameup route (also the default of `translate`).
    public static let defaultConfig = """
        {
          "listen": "127.0.0.1:8080",
          "targets": {
            "flameup": { "provider": "flameup", "endpoint": "track", "settings": { "workspaceId": "ws_sandbox" },
                         "secrets": { "token": { "env": "SWITCHBOARD_SANDBOX_FLAMEUP_TOKEN" } } }
          },
          "routes": [
            { "name": "usercom-to-flameup", "from": "usercom", "endpoint": "track", "to": "flameup",
              "keys": { "env": "SWITCHBOARD_SANDBOX_USERCOM_KEY" }, "mode": "forward", "deadlineMs": 2000 }
          ]
        }
        """
}
