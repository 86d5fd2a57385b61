import Foundation
import SwitchboardCore
import Testing

@Suite struct FileContentsTests {
    @Test func readsAWholeFileLargerThanOneChunk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-file-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(written).write(to: URL(fileURLWithPath: path))
        #expect(try FileContents.bytes(atPath: path) == written)
    }

    @Test func aMissingFileSaysWhy() {
        #expect(throws: FileContents.ReadError.self) { try FileContents.bytes(atPath: "/nonexistent/switchboard") }
        do {
            _ = try FileContents.bytes(atPath: "/nonexistent/switchboard")
        } catch {
            #expect(error.description == "No such file or directory")
        }
    }
}
