import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// A request as a mock vendor received it.
public struct MockRequest: Sendable {
    public let method: String
    /// The raw path and query, as sent.
    public let uri: String
    public let path: String
    public let headers: [(String, String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// What a mock vendor answers.
public struct MockResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], json: String) {
        self.status = status
        self.headers = [("Content-Type", "application/json")] + headers
        self.body = Array(json.utf8)
    }
}

/// Serves a mock vendor over TLS on a loopback port, until stopped.
public final class MockServer: Sendable {
    public let port: Int
    private let task: Task<Void, any Error>

    /// Starts serving `handler` on 127.0.0.1 (`port` 0 picks a free one) with the given certificate.
    public static func start(
        port: Int = 0, certificates: SandboxCertificates, logger: Logger = Logger(label: "switchboard.sandbox"),
        handler: @escaping @Sendable (MockRequest) async -> MockResponse
    ) async throws -> MockServer {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificates.serverCertificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.serverKeyPEM.utf8), format: .pem)))
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 8 << 20)
            let mockRequest = MockRequest(
                method: request.method.rawValue, uri: request.uri.string, path: request.uri.path,
                headers: request.headers.map { ($0.name.rawName, $0.value) }, body: Array(buffer: body))
            let answer = await handler(mockRequest)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
            }
            return Response(status: .init(code: answer.status), headers: fields,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        var quiet = logger
        quiet.logLevel = .critical
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: quiet)
        let task = Task { try await app.run() }
        var iterator = portStream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw MockServerError(message: "the mock server did not start")
        }
        return MockServer(port: bound, task: task)
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    public var baseURL: String { "https://127.0.0.1:\(port)" }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

public struct MockServerError: Error, Sendable {
    public let message: String
}
