import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import SwitchboardChannels

/// The apps' HTTP/1.1 endpoint: a plain NIO server whose requests go to the ingress pipeline on
/// their connection's event loop, with no task or thread hop of their own.
///
/// A connection that sends nothing for `idleTimeout` while none of its requests is being
/// answered (idle between requests, or stalled inside one) is closed.
///
/// On graceful shutdown it stops accepting, lets every connection finish the request it is
/// answering (idle ones close at once), and after `drain` closes whatever is left.
public final class IngressServer: Service, Sendable {
    let pipeline: IngressPipeline
    let host: String
    let port: Int
    let group: any EventLoopGroup
    let idleTimeout: Duration
    let drain: Duration
    let onListening: @Sendable (Int) async -> Void
    let logger: Logger
    private let connections = OpenConnections()

    public init(pipeline: IngressPipeline, host: String, port: Int, group: any EventLoopGroup, idleTimeout: Duration,
                drain: Duration, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void) {
        self.pipeline = pipeline
        self.host = host
        self.port = port
        self.group = group
        self.idleTimeout = idleTimeout
        self.drain = drain
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let idle = TimeAmount(idleTimeout)
        try warmUp(idle: idle)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { [self, connections, idle] channel in
                channel.eventLoop.makeCompletedFuture {
                    try connections.add(channel)
                    try addHandlers(to: channel, idle: idle)
                }
            }
            .bind(host: host, port: port).get()
        let bound = server.localAddress?.port ?? port
        logger.debug("listening", metadata: ["sb.host": "\(host)", "sb.port": "\(bound)"])
        await onListening(bound)
        // Until a graceful shutdown; cancelled, it closes every connection at once.
        try? await gracefulShutdown()
        try? await server.close()
        for channel in connections.beginClosing() { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        let deadline = ContinuousClock.now + drain
        while !Task.isCancelled, ContinuousClock.now < deadline, !connections.open.isEmpty {
            try? await Task.sleep(for: .milliseconds(10), tolerance: .milliseconds(5))
        }
        let left = connections.open
        if !left.isEmpty {
            logger.warning("closing connections still busy at shutdown", metadata: ["sb.connections": "\(left.count)"])
            for channel in left { channel.close(promise: nil) }
        }
        // Returns once every connection's handlers are gone (they go before the close completes).
        for channel in left { try? await channel.closeFuture.get() }
    }

    /// A connection's handlers. NIO's request decoder alone: `HTTPIngressHandler` orders requests,
    /// answers malformed ones and writes its answers as bytes, so no pipelining helper, error
    /// handler or response encoder.
    private func addHandlers(to channel: any Channel, idle: TimeAmount) throws {
        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        try channel.pipeline.syncOperations.addHandler(HTTPIngressHandler(pipeline: pipeline))
    }

    /// Builds a connection's pipeline once, on this thread, before any event loop accepts. The
    /// Swift runtime makes a generic type's metadata the first time it is used; when two event
    /// loops took their first connections at the same moment, one read the metadata of NIO's
    /// `HTTPPart` while the other was still filling it in, and the process crashed.
    private func warmUp(idle: TimeAmount) throws {
        let channel = EmbeddedChannel()
        try addHandlers(to: channel, idle: idle)
        try channel.close().wait()
    }
}
