import Foundation
import SwitchboardCore
import SwitchboardDelivery
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

/// The repository's Flameup provider file as a delivery target, with `token` as its secret.
func flameupTarget(token: String, clock: any SwitchboardClock) throws -> DeliveryTarget {
    let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("mappings").path
    guard let flameup = try MappingSet.load(directory: mappings).provider("flameup"),
          let endpoint = flameup.send?.endpoint("track")
    else { throw FixtureMissing(what: "flameup's provider file or its track endpoint") }
    return try DeliveryTarget(name: "flameup", provider: flameup, endpoint: endpoint, url: nil, baseURL: nil,
                              settings: ["workspaceId": "ws_test"], secrets: ["token": Secret(token)], clock: clock,
                              file: "test")
}

struct FixtureMissing: Error { let what: String }
