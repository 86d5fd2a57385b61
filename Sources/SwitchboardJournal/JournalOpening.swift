import Foundation

/// Opens the journal `location` names: a `postgres://user@host[:port]/database[?schema=…]` URL
/// (the fleet journal; its password comes from the environment variable `passwordVariable`) or
/// the path of an SQLite file (the embedded default).
public func openJournal(
    _ location: String, passwordVariable: String = PostgresSettings.defaultPasswordVariable,
    environment: [String: String] = ProcessInfo.processInfo.environment, durability: Durability = .full,
    maxBytes: Int64? = nil
) throws -> any Journal {
    guard PostgresSettings.isURL(location) else {
        return try SQLiteJournal(path: location, durability: durability, maxBytes: maxBytes)
    }
    let settings = try PostgresSettings(url: location, password: environment[passwordVariable])
    return try PostgresJournal(settings: settings, durability: durability, maxBytes: maxBytes)
}
