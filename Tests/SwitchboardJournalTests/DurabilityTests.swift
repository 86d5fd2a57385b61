import Foundation
import SwitchboardJournal
import Testing

/// `journal.durability` reaches the SQLite writer, whatever the connection pool sets on its own.
@Suite struct DurabilityTests {
    func writerSynchronous(_ durability: Durability) throws -> Int {
        let journal = try TestJournal(.sqlite)
        defer { journal.remove() }
        return try #require(try journal.open(durability: durability) as? SQLiteJournal).writerSynchronous()
    }

    /// `full` promises that an accepted event survives a power loss: the WAL is synced at every
    /// commit, before the app is answered.
    @Test func fullSyncsEveryCommit() throws {
        #expect(try writerSynchronous(.full) == 2)
    }

    @Test func normalSyncsAtCheckpoints() throws {
        #expect(try writerSynchronous(.normal) == 1)
    }
}
