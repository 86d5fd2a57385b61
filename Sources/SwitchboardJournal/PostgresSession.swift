import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// One PostgreSQL connection used from ordinary threads: each statement blocks its caller until
/// the server has answered (the journal's protocol is synchronous for reads, and its writer is a
/// thread of its own). A connection that broke is opened again on the next statement.
///
/// Never called on an event loop thread: NIO refuses to block one.
final class PostgresSession: @unchecked Sendable {
    private let settings: PostgresSettings
    /// Session settings sent at every (re)connection, e.g. `synchronous_commit`.
    private let parameters: [(String, String)]
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private static let ids = NSLock()
    nonisolated(unsafe) private static var nextId = 0

    init(settings: PostgresSettings, parameters: [(String, String)] = [], eventLoop: any EventLoop, logger: Logger) {
        self.settings = settings
        self.parameters = parameters
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// Runs one statement and returns its rows. `$1`… in `sql` are `binds`, in order.
    @discardableResult
    func run(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> PostgresQueryResult {
        try lock.withLock {
            let connection = try open()
            do {
                return try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
            } catch {
                if connection.isClosed { self.connection = nil }
                throw error
            }
        }
    }

    /// Runs `body` inside one transaction on this connection; rolls back when it throws. A
    /// failed COMMIT throws ``CommitOutcomeUnknown``: the server may have committed before the
    /// answer was lost.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN")
        let result: T
        do {
            result = try body()
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
        do {
            try run("COMMIT")
        } catch {
            throw CommitOutcomeUnknown(underlying: error)
        }
        return result
    }

    deinit { close() }

    func close() {
        lock.withLock {
            try? connection?.close().wait()
            connection = nil
        }
    }

    /// No TLS, or TLS that verifies the server's certificate and name (`sslmode=require`).
    private func tls() throws -> PostgresConnection.Configuration.TLS {
        guard settings.requireTLS else { return .disable }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = settings.rootCertificateFile { configuration.trustRoots = .file(file) }
        return .require(try NIOSSLContext(configuration: configuration))
    }

    private func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: try tls())
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = (settings.schema.map { [("search_path", $0)] } ?? []) + parameters
        let id = Self.ids.withLock { () -> Int in
            Self.nextId += 1
            return Self.nextId
        }
        let connection = try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: id, logger: logger).wait()
        self.connection = connection
        return connection
    }
}

/// A few sessions for reads, each used by one caller at a time.
final class PostgresSessionPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var idle: [PostgresSession]

    init(count: Int, make: () -> PostgresSession) {
        idle = (0..<max(1, count)).map { _ in make() }
    }

    func with<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        condition.lock()
        while idle.isEmpty { condition.wait() }
        let session = idle.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            idle.append(session)
            condition.signal()
            condition.unlock()
        }
        return try body(session)
    }

    func closeAll() {
        condition.lock()
        let sessions = idle
        condition.unlock()
        for session in sessions { session.close() }
    }
}

/// A COMMIT whose answer did not arrive: the transaction may or may not have committed.
struct CommitOutcomeUnknown: Error {
    let underlying: any Error
}
