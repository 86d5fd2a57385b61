import Foundation
import Logging
import SwitchboardCore
import SwitchboardMapping
import SwitchboardSandbox

/// `serve --sandbox`: a strict mock of every vendor over TLS with a CA made at start, and a
/// config whose routes go from every vendor to every other (``SandboxConfig``), so the whole flow
/// runs with no vendor accounts.
public struct SandboxSession: Sendable {
    public static let appKey = SandboxConfig.appKey("usercom")

    public let config: Config
    public let environment: [String: String]
    public let vendors: SandboxVendors

    /// Starts the mocks and writes the CA under `stateDirectory`.
    /// - Parameters:
    ///   - base: a config to adapt (its targets are pointed at the mocks); nil uses the sandbox's.
    ///   - echo: print every request a mock receives.
    public static func start(stateDirectory: String, mappings: String, listen: String?, base: Config?, echo: Bool = true,
                             logger: Logger) async throws -> SandboxSession
    {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let certificates = try SandboxCertificates.generate()
        let caFile = (stateDirectory as NSString).appendingPathComponent("sandbox-ca.pem")
        try certificates.caPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        let vendors = try await SandboxVendors.start(certificates: certificates, logger: logger) { provider, request, response in
            guard echo else { return }
            say("sandbox \(provider) ← \(request.method) \(request.uri) → \(response.status)\n  \(String(decoding: request.body, as: UTF8.self))")
        }
        var config = try base ?? Config.parse(JSONWriter.bytes(SandboxConfig.json), file: "sandbox.json")
        if base == nil {
            config.mappings = mappings
            config.journalLocation = (stateDirectory as NSString).appendingPathComponent("sandbox.sqlite")
        }
        if let listen, !config.setListen(listen) {
            throw ConfigProblems([ConfigProblem(file: "--listen", pointer: "", message: "must be HOST:PORT")])
        }
        var environment = ProcessInfo.processInfo.environment
        for (name, target) in config.targets {
            guard let vendor = vendors.vendor(target.provider) else { continue }
            var t = target
            t.url = nil
            t.region = nil
            t.baseURL = vendor.server.baseURL
            t.caFile = caFile
            for (key, value) in vendor.settings { t.settings[key] = value }
            for (secret, value) in vendor.secrets {
                let variable = SandboxConfig.variable(name, secret)
                t.secrets[secret] = .environment(variable)
                environment[variable] = value
            }
            config.targets[name] = t
        }
        for i in config.routes.indices {
            let variable = SandboxConfig.variable(config.routes[i].provider, "key")
            config.routes[i].keys = .environment(variable)
            environment[variable] = SandboxConfig.appKey(config.routes[i].provider)
        }
        return SandboxSession(config: config, environment: environment, vendors: vendors)
    }

    /// Writes a line to standard output at once (unbuffered), so it shows up even when piped.
    public static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// An `instance-jwt` the sandbox's Builder routes accept.
    public static var builderJWT: String {
        JWT.sign(JSONObject([(key: "instanceId", value: .string("sandbox-app"))]), secret: Secret(SandboxConfig.appKey("builder")))
    }

    /// What to try, printed when the sandbox is up.
    public func banner(port: Int) -> String {
        let base = "http://\(config.host):\(port)"
        let mocks = vendors.vendors.map { "    \($0.provider.padding(toLength: 12, withPad: " ", startingAt: 0)) \($0.server.baseURL)" }
        return """
            Switchboard sandbox is running: every vendor's API, routed to every other vendor's mock.
              gateway:  \(base)   (each vendor at its own paths; put /to/<target> first to pick the target)
              app keys: user.com 'Authorization: Token \(SandboxConfig.appKey("usercom"))', Vibetrace 'Authorization: \(SandboxConfig.appKey("vibetrace"))',
                        Gainsight PX 'X-APTRINSIC-API-KEY: \(SandboxConfig.appKey("gainsightpx"))', Flameup 'Authorization: Bearer \(SandboxConfig.appKey("flameup"))',
                        Builder 'instance-jwt: \(Self.builderJWT)'
              targets:  \(SandboxConfig.targets.map(\.name).joined(separator: ", "))
              mocks (TLS):
            \(mocks.joined(separator: "\n"))
              journal:  \(config.journalLocation)
            Try (user.com → Flameup, then Vibetrace → Gainsight PX):
              curl -s -X POST \(base)/api/public/users-by-id/user-42/events/ \\
                -H 'Authorization: Token \(Self.appKey)' -H 'Content-Type: application/json' \\
                -d '{"name": "profile_updated", "timestamp": 1426967129, "data": {"plan": "pro"}}'
              curl -s -X POST \(base)/to/gainsightpx/v1/event/ -H 'Authorization: \(SandboxConfig.appKey("vibetrace"))' \\
                -H 'Content-Type: application/json' -d '{"user": {"_id": "user-42"}, "event": {"login": {"plan": "pro"}}}'
            What each mock receives is printed below. Stop with Ctrl-C.
            """
    }

    /// The sandbox's config text (also what `translate` and `explain` use without `--config`).
    public static var defaultConfig: String { JSONWriter.string(SandboxConfig.json) }
}
