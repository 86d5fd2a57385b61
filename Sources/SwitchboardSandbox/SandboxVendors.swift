import Foundation
import Logging

/// A strict mock of every vendor, each on its own loopback TLS port, with the credentials
/// Switchboard needs to reach them: what `serve --sandbox` and the end-to-end tests send to.
public final class SandboxVendors: Sendable {
    /// One mock vendor: the provider it stands for, its server, and how a target reaches it.
    public struct Vendor: Sendable {
        public let provider: String
        public let mock: MockVendor
        public let server: MockServer
        /// The target's settings and secrets (secret name → value) for this mock.
        public let settings: [String: String]
        public let secrets: [String: String]
    }

    public static let workspace = "ws_sandbox"
    public static let propertyKey = "AP-SANDBOX-1"
    public static let instanceId = "sandbox-instance"
    /// A user the mock user.com knows, for targets that look users up by email.
    public static let knownEmail = "ada@example.com"

    public let vendors: [Vendor]
    public let flameup: MockFlameup
    public let usercom: MockUsercom
    public let vibetrace: MockVibetrace
    public let gainsightpx: MockGainsightPX
    public let builder: MockBuilder

    /// Starts the five mocks. `flameupRateLimit` is Flameup's allowance (nil: none, for load);
    /// `onRequest` sees every request with the provider id and the answer.
    public static func start(
        certificates: SandboxCertificates, flameupRateLimit: (requests: Int, seconds: Double)? = (120, 60),
        logger: Logger = Logger(label: "switchboard.sandbox"),
        onRequest: @escaping @Sendable (String, MockRequest, MockResponse) -> Void = { _, _, _ in }
    ) async throws -> SandboxVendors {
        func secret(_ prefix: String) -> String {
            prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        }
        let flameup = MockFlameup(token: secret("ws_test_"), workspace: workspace, rateLimit: flameupRateLimit)
        let usercom = MockUsercom(key: secret("uc_"))
        usercom.addUser(email: knownEmail, id: 1)
        let vibetrace = MockVibetrace(key: secret("vt_"))
        let gainsight = MockGainsightPX(key: secret("px_"), propertyKey: propertyKey)
        let builder = MockBuilder(secret: secret("jwt_"), instanceId: instanceId)
        let specs: [(String, MockVendor, [String: String], [String: String])] = [
            ("flameup", flameup, ["workspaceId": workspace], ["token": flameup.token]),
            ("usercom", usercom, ["appSubdomain": "sandbox"], ["token": usercom.key]),
            ("vibetrace", vibetrace, [:], ["apiKey": vibetrace.key]),
            ("gainsightpx", gainsight, ["propertyKey": propertyKey], ["apiKey": gainsight.key]),
            ("builder", builder, ["instanceId": instanceId], ["jwtSecret": builder.secret]),
        ]
        var vendors: [Vendor] = []
        for (provider, mock, settings, secrets) in specs {
            let server = try await MockServer.start(certificates: certificates, logger: logger) { request in
                let response = mock.handle(request)
                onRequest(provider, request, response)
                return response
            }
            vendors.append(Vendor(provider: provider, mock: mock, server: server, settings: settings, secrets: secrets))
        }
        return SandboxVendors(vendors: vendors, flameup: flameup, usercom: usercom, vibetrace: vibetrace,
                              gainsightpx: gainsight, builder: builder)
    }

    private init(vendors: [Vendor], flameup: MockFlameup, usercom: MockUsercom, vibetrace: MockVibetrace,
                 gainsightpx: MockGainsightPX, builder: MockBuilder) {
        self.vendors = vendors
        self.flameup = flameup
        self.usercom = usercom
        self.vibetrace = vibetrace
        self.gainsightpx = gainsightpx
        self.builder = builder
    }

    public func vendor(_ provider: String) -> Vendor? {
        vendors.first { $0.provider == provider }
    }

    public func stop() async {
        for vendor in vendors { await vendor.server.stop() }
    }
}
