import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

/// Every journal implementation the suite runs against: SQLite always, PostgreSQL when
/// `SWITCHBOARD_TEST_POSTGRES` names a server (`.ci/test` starts one; see README).
enum JournalKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [JournalKind] {
        PostgresTestServer.url == nil ? [.sqlite] : allCases
    }

    var testDescription: String { rawValue }
}

enum PostgresTestServer {
    static var url: String? { ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"] }
    static var password: String? { ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_PASSWORD"] }

    /// Settings for a schema of its own, so that tests never see each other's rows.
    static func freshSettings() throws -> PostgresSettings {
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return try PostgresSettings(url: url! + "?schema=\(schema)", password: password)
    }
}

/// A new, empty journal of one kind, which can be opened again (a restart) or a second time (another instance).
struct TestJournal: Sendable {
    let kind: JournalKind
    private let path: String?
    private let settings: PostgresSettings?

    init(_ kind: JournalKind) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).sqlite").path
            settings = nil
        case .postgres:
            path = nil
            settings = try PostgresTestServer.freshSettings()
        }
    }

    func open(durability: Durability = .full, maxBytes: Int64? = nil) throws -> any Journal {
        if let path { return try SQLiteJournal(path: path, durability: durability, maxBytes: maxBytes) }
        return try PostgresJournal(settings: settings!, durability: durability, maxBytes: maxBytes)
    }

    /// Another connection to the same PostgreSQL journal: what a second gateway instance opens.
    func openPostgres() throws -> PostgresJournal {
        try PostgresJournal(settings: settings!)
    }

    func remove() {
        guard let path else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Runs `body` with a fresh journal of `kind`, and removes it afterwards.
    static func with(_ kind: JournalKind, _ body: (any Journal, TestJournal) async throws -> Void) async throws {
        let made = try TestJournal(kind)
        defer { made.remove() }
        let journal = try made.open()
        defer { (journal as? PostgresJournal)?.close() }
        try await body(journal, made)
    }
}
