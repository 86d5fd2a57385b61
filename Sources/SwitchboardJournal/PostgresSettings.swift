import Foundation

/// Where a PostgreSQL journal lives: parsed from a `postgres://user@host:port/database` URL.
/// The password never sits in the URL (nor in config files or logs): it is read from an
/// environment variable.
public struct PostgresSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var password: String?
    /// The schema the journal's tables are in (`?schema=` in the URL); nil: the user's default.
    public var schema: String?
    /// `?sslmode=require`: TLS, the server's certificate and name verified (against the system's
    /// CAs, or `?sslrootcert=FILE`'s); the connection fails without it. Default: no TLS.
    public var requireTLS = false
    public var rootCertificateFile: String?
    /// Connections for reads (the writer has one of its own).
    public var readConnections = 4

    public init(host: String, port: Int, username: String, database: String, password: String?) {
        self.host = host
        self.port = port
        self.username = username
        self.database = database
        self.password = password
    }

    /// Where the password is read from unless the config names another variable.
    public static let defaultPasswordVariable = "SWITCHBOARD_POSTGRES_PASSWORD"

    /// True when `location` names a PostgreSQL journal rather than an SQLite file.
    public static func isURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Parses `url`; `password` comes from the environment. Throws a message fit for the user.
    public init(url: String, password: String?) throws {
        guard Self.isURL(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw JournalError(operation: "open", reason: "a PostgreSQL journal is named by postgres://user@host[:port]/database")
        }
        guard components.password == nil else {
            throw JournalError(operation: "open", reason: "put the PostgreSQL password in the environment, not in the URL")
        }
        guard let user = components.user, !user.isEmpty else {
            throw JournalError(operation: "open", reason: "the PostgreSQL URL names no user (postgres://user@host/database)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw JournalError(operation: "open", reason: "the PostgreSQL URL names no database (postgres://user@host/database)")
        }
        self.init(host: host, port: components.port ?? 5432, username: user, database: database, password: password)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let name = item.value, EventQuery.isPlainName(name) else {
                    throw JournalError(operation: "open", reason: "?schema= takes a plain name (letters, digits, _)")
                }
                schema = name
            case "sslmode":
                switch item.value {
                case "disable": requireTLS = false
                case "require", "verify-full": requireTLS = true
                default: throw JournalError(operation: "open", reason: "?sslmode= takes disable or require (which verifies the server)")
                }
            case "sslrootcert":
                guard let file = item.value, !file.isEmpty else {
                    throw JournalError(operation: "open", reason: "?sslrootcert= names a PEM file of CA certificates")
                }
                rootCertificateFile = file
            default:
                throw JournalError(operation: "open",
                                   reason: "the PostgreSQL URL's option '\(item.name)' is unknown (known: schema, sslmode, sslrootcert)")
            }
        }
    }

    /// The URL without the password, for messages.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
            + (requireTLS ? (schema == nil ? "?" : "&") + "sslmode=require" : "")
    }
}
