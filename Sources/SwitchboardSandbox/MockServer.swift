import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SwitchboardChannels

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
///
/// A plain NIO server: stopping it closes the listener and then every connection, so a
/// connection accepted at that moment is closed like the rest.
public final class MockServer: Sendable {
    public let port: Int
    private let listener: any Channel
    private let connections: OpenConnections

    /// Starts serving `handler` on 127.0.0.1 (`port` 0 picks a free one) with the given certificate.
    public static func start(
        port: Int = 0, certificates: SandboxCertificates, logger: Logger = Logger(label: "switchboard.sandbox"),
        handler: @escaping @Sendable (MockRequest) async -> MockResponse
    ) async throws -> MockServer {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificates.serverCertificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.serverKeyPEM.utf8), format: .pem)))
        // Closing a connection sends close_notify and waits this long for the client's before it
        // closes the socket; an idle libcurl connection never answers, and NIO's default is 5 s.
        tls.shutdownTimeout = .milliseconds(300)
        let context = try NIOSSLContext(configuration: tls)
        let connections = OpenConnections()
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try connections.add(channel)
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: true)
                        try channel.pipeline.syncOperations.addHandler(MockConnectionHandler(handler: handler))
                    }
                }
                .bind(host: "127.0.0.1", port: port).get()
        } catch {
            throw MockServerError(message: "the mock server did not start on port \(port): \(error)")
        }
        guard let bound = listener.localAddress?.port else {
            try? await listener.close()
            throw MockServerError(message: "the mock server did not start")
        }
        logger.debug("mock vendor listening", metadata: ["sb.port": "\(bound)"])
        return MockServer(port: bound, listener: listener, connections: connections)
    }

    private init(port: Int, listener: any Channel, connections: OpenConnections) {
        self.port = port
        self.listener = listener
        self.connections = connections
    }

    public var baseURL: String { "https://127.0.0.1:\(port)" }

    /// True until `stop` has closed the listening socket.
    public var isListening: Bool { listener.isActive }

    /// Closes every open connection and keeps accepting new ones: a vendor dropping the idle
    /// connections its clients keep. Returns once they are closed.
    public func dropConnections() async {
        await Self.close(connections.open)
    }

    /// Stops accepting, closes every connection (answers still being made are dropped) and
    /// returns once they are closed.
    public func stop() async {
        try? await listener.close()
        await Self.close(connections.beginClosing())
    }

    private static func close(_ channels: [any Channel]) async {
        for channel in channels { channel.close(promise: nil) }
        for channel in channels { try? await channel.closeFuture.get() }
    }
}

public struct MockServerError: Error, Sendable {
    public let message: String
}
