import Foundation
import SwitchboardSandbox
import Testing

/// The mock vendors' server stops cleanly, whatever is connecting at that moment: tests stop a
/// vendor while the gateway still reaches for it.
@Suite struct MockServerTests {
    static let certificates = try! SandboxCertificates.generate()

    @Test func stoppingClosesEveryConnectionAlsoThoseAcceptedAsItStops() async throws {
        for _ in 0..<20 {
            let server = try await MockServer.start(certificates: Self.certificates) { _ in MockResponse(status: 200, json: "{}") }
            let before = try (0..<3).map { _ in try RawHTTPConnection(port: server.port) }
            // Connections keep arriving while the server stops. Each sends the first byte of a TLS
            // record, which the server holds until the rest comes: one that the kernel completed
            // as the listener closed, and that no server ever saw, is reset by it.
            let port = server.port
            let racing = Task.detached {
                var accepted: [RawHTTPConnection] = []
                for _ in 0..<100 {
                    guard let connection = try? RawHTTPConnection(port: port) else { break }
                    connection.send("\u{16}")
                    accepted.append(connection)
                }
                return accepted
            }
            await server.stop()
            let during = await racing.value
            for connection in before + during {
                #expect(await connection.ended())
            }
            // Not a new connection's failure: once the port is free, another test's server (or a
            // client's own ephemeral port) may take it.
            #expect(!server.isListening)
        }
    }
}
