import Foundation
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal
import SwitchboardMapping

/// A journal file of its own for one test, under the temporary directory; `remove()` deletes it
/// with its WAL and shared-memory files.
struct ScratchJournalFile {
    let path: String

    init(_ name: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).sqlite").path
    }

    func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// The repository's Flameup provider file as a delivery target, with `token` as its secret,
/// sending to `baseURL` (a mock's) when given.
func flameupTarget(token: String, clock: any SwitchboardClock, baseURL: String? = nil) throws -> DeliveryTarget {
    let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings").path
    guard let flameup = try MappingSet.load(directory: mappings).provider("flameup"),
          let endpoint = flameup.send?.endpoint("track")
    else { throw FixtureMissing(what: "flameup's provider file or its track endpoint") }
    return try DeliveryTarget(name: "flameup", provider: flameup, endpoint: endpoint, url: nil, baseURL: baseURL,
                              settings: ["workspaceId": "ws_test"], secrets: ["token": Secret(token)], clock: clock,
                              file: "test")
}

/// Journals one event of user `u` for the `flameup` target, first due at `due`; returns its
/// delivery's id.
func appendOneFlameupEvent(to journal: SQLiteJournal, receivedAt: Instant, due: Instant) async throws -> Int64 {
    let appended = try await journal.append([
        NewEvent(route: "r", source: "usercom", name: "e", userId: "u", receivedAt: receivedAt, canonical: Array("{}".utf8),
                 targets: ["flameup"], firstAttemptDue: due),
    ])
    return appended[0].deliveryIds[0]
}

struct FixtureMissing: Error { let what: String }
