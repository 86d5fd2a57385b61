import Foundation
import SwitchboardDelivery
import SwitchboardSandbox
import Testing

let tlsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/tls").path

/// Real libcurl over real TLS to a loopback mock that uses the test CA.
@Suite(.serialized) struct CurlTransportTests {
    func withMock(_ body: (MockServer, MockFlameup) async throws -> Void) async throws {
        let flameup = MockFlameup(token: "t0k", workspace: "ws")
        let certificates = try SandboxCertificates.load(
            ca: "\(tlsFolder)/ca.pem", certificate: "\(tlsFolder)/server.pem", key: "\(tlsFolder)/server.key")
        let server = try await MockServer.start(certificates: certificates) { flameup.handle($0) }
        do { try await body(server, flameup) } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func request(_ server: MockServer, host: String = "127.0.0.1", body: String) -> OutboundRequest {
        OutboundRequest(method: "POST", url: "https://\(host):\(server.port)/api/v1/workspaces/ws/events",
                        headers: ["Authorization: Bearer t0k", "Content-Type: application/json"], body: Array(body.utf8))
    }

    @Test func sendsManyRequestsOverVerifiedTLS() async throws {
        try await withMock { server, flameup in
            let transport = CurlTransport(options: TransportOptions(caFile: "\(tlsFolder)/ca.pem"))
            defer { transport.shutdown() }
            let results = await withTaskGroup(of: TransportResult.self) { group in
                for i in 0..<50 {
                    group.addTask { await transport.send(request(server, body: #"{"userId":"u\#(i)","event":"e"}"#)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 200 })
            #expect(flameup.accepted.count == 50)
            #expect(String(decoding: results[0].body, as: UTF8.self).hasPrefix(#"{"success":true,"event_id":"evt_"#))
        }
    }

    @Test func connectionsTheVendorDropsWhileIdleAreReplaced() async throws {
        // libcurl reuses a kept connection the vendor has closed (its liveness check peeks at the
        // socket, where the vendor's TLS close_notify waits) and the send fails: the transport
        // sends the request again on a new connection. The transport also keeps a finished
        // transfer's socket watched for the next one: a socket the vendor closed meanwhile must
        // not stall it, nor a new socket that reuses its number.
        // (Each drop waits for the mock's TLS shutdown timeout, 0.3 s.)
        try await withMock { server, flameup in
            let transport = CurlTransport(options: TransportOptions(timeoutMilliseconds: 5_000, caFile: "\(tlsFolder)/ca.pem"))
            defer { transport.shutdown() }
            var statuses: [Int?] = []
            var errors: [String] = []
            for round in 0..<3 {
                let results = await withTaskGroup(of: TransportResult.self) { group in
                    for i in 0..<8 {
                        group.addTask { await transport.send(request(server, body: #"{"userId":"u\#(round)-\#(i)","event":"e"}"#)) }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                statuses += results.map(\.status)
                errors += results.compactMap(\.curlError)
                if round < 2 { await server.dropConnections() }
            }
            #expect(statuses == Array(repeating: 200, count: 24), "\(errors)")
            #expect(flameup.accepted.count == 24)
        }
    }

    @Test func requestsBeyondTheConnectionLimitWaitTheirTurnAndAllFinishBeforeShutdownReturns() async throws {
        try await withMock { server, flameup in
            let transport = CurlTransport(options: TransportOptions(caFile: "\(tlsFolder)/ca.pem", maxConnectionsPerHost: 2))
            let answered = Counter()
            for i in 0..<40 {
                transport.send(request(server, body: #"{"userId":"u\#(i)","event":"e"}"#)) { result in
                    if result.status == 200 { answered.add() }
                }
            }
            // 38 of them are still waiting for one of the two connections here; the mock answers
            // them on Swift's concurrency pool, which the async shutdown leaves free.
            await transport.shutdown()
            #expect(answered.value == 40, "every queued request was sent and answered before shutdown returned")
            #expect(flameup.accepted.count == 40)
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    @Test func verifiesTheHostName() async throws {
        try await withMock { server, flameup in
            let transport = CurlTransport(options: TransportOptions(caFile: "\(tlsFolder)/ca.pem"))
            defer { transport.shutdown() }
            let byName = await transport.send(request(server, host: "localhost", body: #"{"userId":"u","event":"e"}"#))
            #expect(byName.status == 200)
            let untrusted = CurlTransport(options: TransportOptions(caFile: "\(tlsFolder)/untrusted-ca.pem"))
            defer { untrusted.shutdown() }
            let refused = await untrusted.send(request(server, body: "{}"))
            #expect(refused.status == nil)
            #expect(refused.curlCode == 60)
            #expect(flameup.requests.count == 1)
        }
    }

    @Test func reportsAConnectionRefused() async throws {
        let transport = CurlTransport(options: TransportOptions(connectTimeoutMilliseconds: 1_000))
        defer { transport.shutdown() }
        let result = await transport.send(OutboundRequest(method: "POST", url: "https://127.0.0.1:1/x", headers: [], body: []))
        #expect(result.status == nil)
        #expect(result.curlCode == 7)
    }
}
