import Foundation
import Logging
import SwitchboardApp
import SwitchboardCore
import SwitchboardMapping
import SwitchboardSandbox
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A strict stand-in for Segment's `POST /v1/track`: Basic auth with the write key as the user
/// name, an `event`, and a `userId` or an `anonymousId`.
final class MockSegment: MockVendor, @unchecked Sendable {
    let writeKey: String
    init(writeKey: String) { self.writeKey = writeKey }

    override func answer(_ request: MockRequest) -> MockResponse {
        guard request.method == "POST", request.path == "/v1/track" else { return MockResponse(status: 404, json: #"{"success":false,"message":"Not found"}"#) }
        let expected = "Basic " + Data("\(writeKey):".utf8).base64EncodedString()
        guard request.header("Authorization") == expected else { return MockResponse(status: 401, json: #"{"success":false,"message":"Invalid write key"}"#) }
        guard let body = Self.jsonObject(request), body["event"]?.stringValue?.isEmpty == false,
            body["userId"]?.stringValue != nil || body["anonymousId"]?.stringValue != nil
        else { return MockResponse(status: 400, json: #"{"success":false,"message":"event and userId or anonymousId are required"}"#) }
        return MockResponse(status: 200, json: #"{"success":true}"#)
    }
}

/// docs/ADDING-A-VENDOR.md's worked example: Segment, added by copying the files under
/// docs/examples/segment into the mappings folder — no code.
@Suite(.serialized) struct SixthVendorTests {
    static let writeKey = "seg_write_key_1"

    /// The shipped mappings plus the example's files, in a temporary folder.
    static func mappingsWithSegment() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-sixth-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: "\(repositoryRoot)/mappings", toPath: dir)
        let example = "\(repositoryRoot)/docs/examples/segment"
        for sub in ["providers/segment.json", "segment"] {
            try FileManager.default.copyItem(atPath: "\(example)/\(sub)", toPath: "\(dir)/\(sub)")
        }
        return dir
    }

    @Test func theExampleFilesLoadAndTheirExamplesPass() throws {
        let dir = try Self.mappingsWithSegment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let set = try MappingSet.load(directory: dir)
        #expect(set.provider("segment")?.receive.map(\.name).sorted() == ["batch", "track"])
        let results = CorpusRunner(mappings: set).runExamples().filter { $0.name.hasPrefix("segment/") }
        #expect(results.count == 6)
        #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
    }

    @Test func segmentIsReceivedAndSentLikeTheOtherFive() async throws {
        let dir = try Self.mappingsWithSegment()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let certificates = try SandboxCertificates.load(ca: fixture("tls/ca.pem"), certificate: fixture("tls/server.pem"), key: fixture("tls/server.key"))
        let flameup = MockFlameup(token: GatewayHarness.token, workspace: GatewayHarness.workspace)
        let segment = MockSegment(writeKey: Self.writeKey)
        let flameupServer = try await MockServer.start(certificates: certificates) { flameup.handle($0) }
        let segmentServer = try await MockServer.start(certificates: certificates) { segment.handle($0) }
        let config = """
            {
              "listen": "127.0.0.1:0", "mappings": "\(dir)", "journal": { "path": "\(dir)/journal.sqlite" },
              "targets": {
                "flameup": { "provider": "flameup", "baseURL": "\(flameupServer.baseURL)", "caFile": "\(fixture("tls/ca.pem"))", "rateLimit": "none",
                             "settings": { "workspaceId": "\(GatewayHarness.workspace)" }, "secrets": { "token": { "env": "T" } } },
                "segment": { "provider": "segment", "baseURL": "\(segmentServer.baseURL)", "caFile": "\(fixture("tls/ca.pem"))",
                             "secrets": { "writeKey": { "env": "W" } } }
              },
              "routes": [
                { "name": "segment-to-flameup", "from": "segment", "to": "flameup", "keys": { "env": "K" } },
                { "name": "segment-batch", "from": "segment", "endpoint": "batch", "to": "flameup", "keys": { "env": "K" } },
                { "name": "usercom-to-segment", "from": "usercom", "to": "segment", "keys": { "env": "U" } }
              ]
            }
            """
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let gateway = try Gateway(config: Config.parse(Array(config.utf8), file: "\(dir)/config.json"),
                                  environment: ["T": GatewayHarness.token, "W": Self.writeKey, "K": "app-write-key", "U": "uc-key"],
                                  mappingClock: GatewayHarness.clock, logger: logger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let run = Task { try await gateway.run(signals: [], onListening: { continuation.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        func post(_ path: String, _ body: String, _ authorization: String) async throws -> (Int, String) {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(authorization, forHTTPHeaderField: "Authorization")
            request.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        let basic = "Basic " + Data("app-write-key:".utf8).base64EncodedString()
        let track = try await post("/v1/track", #"{"userId": "019mr8mf4r", "event": "Item Purchased", "properties": {"revenue": 14.99}, "timestamp": "2012-12-02T00:30:08.276Z"}"#, basic)
        #expect(track.0 == 200)
        #expect(track.1 == #"{"success":true}"#)
        let batch = try await post("/v1/batch", #"{"batch": [{"userId": "u1", "event": "a"}, {"anonymousId": "x", "event": "b"}]}"#, basic)
        #expect(batch.0 == 200)
        let wrongKey = try await post("/v1/track", #"{"userId": "u", "event": "e"}"#, "Basic " + Data("nope:".utf8).base64EncodedString())
        #expect(wrongKey.0 == 401)
        #expect(wrongKey.1 == #"{"success":false,"message":"Invalid token."}"#)
        let toSegment = try await post("/api/public/users-by-id/user-42/events/", #"{"name": "profile_updated", "timestamp": 1426967129}"#, "Token uc-key")
        #expect(toSegment.0 == 200)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, flameup.accepted.count < 3 || segment.accepted.count < 1 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(flameup.accepted.map(\.bodyText).sorted() == [
            #"{"userId":"019mr8mf4r","event":"Item Purchased","properties":{"revenue":14.99},"timestamp":"2012-12-02T00:30:08Z"}"#,
            #"{"userId":"u1","event":"a","properties":{},"timestamp":"2024-12-25T10:00:00Z"}"#,
            #"{"userId":"x","event":"b","properties":{},"timestamp":"2024-12-25T10:00:00Z"}"#,
        ])
        #expect(segment.accepted.map(\.bodyText) == [#"{"userId":"user-42","event":"profile_updated","properties":{},"timestamp":"2015-03-21T19:45:29Z"}"#])
        run.cancel()
        _ = try? await run.value
        await flameupServer.stop()
        await segmentServer.stop()
    }
}
