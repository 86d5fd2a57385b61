import GRDB
import GRDBSQLite

/// Runs a cached statement with SQLite's own bind and step calls. The journal writer runs a few
/// statements per event; GRDB's `StatementArguments` box every value in an array first, which
/// cost the writer more than the statements themselves.
///
/// Bind every parameter, then `run` (or read); both reset the statement when done, so it holds
/// no cursor open between uses.
struct SQLiteBinding {
    private let handle: OpaquePointer
    private let db: Database

    init(_ statement: Statement, _ db: Database) {
        handle = statement.sqliteStatement
        self.db = db
        sqlite3_reset(handle)
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int?) { bind(index, value.map(Int64.init)) }

    func bind(_ index: Int32, _ text: String?) {
        guard var text else { sqlite3_bind_null(handle, index); return }
        text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, bytes.count > 0 else {
                // Bound from a nil pointer, an empty text would be NULL.
                sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                return
            }
            start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), sqliteTransient)
            }
        }
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        _ = blob.withUnsafeBytes { bytes in
            sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count),
                              sqliteTransient)
        }
    }

    /// Steps the statement to its end.
    func run() throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw failure(code) }
        }
    }

    /// The first column of each row, at most `limit` rows.
    func int64s(limit: Int) throws -> [Int64] {
        defer { sqlite3_reset(handle) }
        var values: [Int64] = []
        while values.count < limit {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw failure(code) }
            values.append(sqlite3_column_int64(handle, 0))
        }
        return values
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}

/// SQLite copies a value bound with this destructor before the bind call returns.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
