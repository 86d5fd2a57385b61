import Foundation
import SwitchboardApp
import SwitchboardCore
import Testing

/// Bodies as apps send them: a batch, compressed with gzip or deflate, and a compressed body
/// that would be too large once inflated.
@Suite(.serialized) struct BodyEncodingTests {
    static let batch = #"{"events": [{"userId": "u1", "event": "a"}, {"userId": "u2", "event": "b"}, {"userId": "u1", "event": "c"}]}"#

    /// `text` compressed by the system's gzip (or zlib's deflate via Python's zlib module).
    static func compress(_ text: String, _ tool: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = tool
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    @Test func aBatchIsJournaledAsEventsAndAnsweredWithEachId() async throws {
        try await withSandbox { sandbox in
            let answer = try await sandbox.send(as: "flameup", path: "/api/v1/workspaces/w1/events/batch", body: Array(Self.batch.utf8))
            #expect(answer.status == 200)
            #expect(answer.body == #"{"success":true,"event_ids":["evt_1","evt_2","evt_3"]}"#)
            #expect(await sandbox.eventually { sandbox.vendors.usercom.accepted.count == 3 })
            let received = sandbox.vendors.usercom.accepted.map { ($0.request.path, (try? JSONParser.parse($0.body))?["name"]?.stringValue ?? "") }
            #expect(received.map(\.1).sorted() == ["a", "b", "c"])
            #expect(received.filter { $0.0.contains("/u1/") }.map(\.1) == ["a", "c"], "u1's two events in order")
        }
    }

    @Test func gzipAndDeflateBodiesAreInflated() async throws {
        try await withSandbox { sandbox in
            let gzip = try Self.compress(Self.batch, ["gzip", "-c"])
            let deflate = try Self.compress(Self.batch, ["python3", "-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"])
            for (encoding, body) in [("gzip", gzip), ("deflate", deflate)] {
                let answer = try await sandbox.send(as: "flameup", path: "/api/v1/workspaces/w1/events/batch", body: body,
                                                    headers: [("Content-Encoding", encoding)])
                #expect(answer.status == 200, "\(encoding): \(answer.body)")
            }
            #expect(await sandbox.eventually { sandbox.vendors.usercom.accepted.count == 6 })
            let garbage = try await sandbox.send(as: "flameup", path: "/api/v1/workspaces/w1/events", body: Array("not gzip".utf8),
                                                 headers: [("Content-Encoding", "gzip")])
            #expect(garbage.status == 400)
            #expect(garbage.body.contains(#""message":"The body is not valid gzip data.""#))
            let brotli = try await sandbox.send(as: "flameup", path: "/api/v1/workspaces/w1/events", body: Array("x".utf8),
                                                headers: [("Content-Encoding", "br")])
            #expect(brotli.status == 400)
        }
    }

    @Test func aCompressedBodyTooLargeOnceInflatedIsRefused() async throws {
        try await withSandbox { sandbox in
            // 8 MiB of spaces inside a JSON string compresses to a few KiB; the limit is 4 MiB.
            let huge = #"{"userId": "u", "event": "e", "properties": {"pad": ""# + String(repeating: " ", count: 8 << 20) + #""}}"#
            let body = try Self.compress(huge, ["gzip", "-c"])
            #expect(body.count < 64 << 10)
            let answer = try await sandbox.send(as: "flameup", path: "/api/v1/workspaces/w1/events/batch", body: body,
                                                headers: [("Content-Encoding", "gzip")])
            #expect(answer.status == 413)
            #expect(answer.body == #"{"error":{"code":"payload_too_large","message":"Request body larger than 4194304 bytes once decompressed."}}"#)
            try await Task.sleep(for: .milliseconds(200))
            #expect(sandbox.vendors.usercom.requests.isEmpty, "nothing forwarded")
        }
    }
}
