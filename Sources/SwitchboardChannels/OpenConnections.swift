import NIOConcurrencyHelpers
import NIOCore

/// The connections a server has open, so that stopping reaches every one of them: once closing
/// has begun, a connection that comes up (accepted just before the listener closed) is refused.
public final class OpenConnections: Sendable {
    private struct State {
        var closing = false
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Keeps `channel` until it closes. Throws once closing has begun, so that a child channel
    /// initializer that calls it fails and NIO closes the connection.
    public func add(_ channel: any Channel) throws(ServerClosing) {
        let id = ObjectIdentifier(channel)
        let admitted = state.withLockedValue { state in
            guard !state.closing else { return false }
            state.channels[id] = channel
            return true
        }
        guard admitted else { throw ServerClosing() }
        channel.closeFuture.whenComplete { [state] _ in _ = state.withLockedValue { $0.channels.removeValue(forKey: id) } }
    }

    /// Refuses connections from now on and returns those open.
    public func beginClosing() -> [any Channel] {
        state.withLockedValue { state in
            state.closing = true
            return Array(state.channels.values)
        }
    }

    /// The connections open now.
    public var open: [any Channel] { state.withLockedValue { Array($0.channels.values) } }
}

/// A connection came up after its server began closing.
public struct ServerClosing: Error, Sendable {}
