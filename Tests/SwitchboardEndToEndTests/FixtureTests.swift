import Foundation
import SwitchboardCore
import Testing

/// One request → expected answer and exact outbound body, from fixtures/usercom.
struct TranslationFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    let body: String
    let status: Int
    /// The exact bytes Flameup must receive, or nil when nothing may be forwarded.
    let outbound: String?
    let answer: String?

    var testDescription: String { name }

    static func all() throws -> [TranslationFixture] {
        let folder = fixture("usercom")
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") && $0 != "route.json" }.sorted().map { file in
            let json = try JSONParser.parse(Array(FileManager.default.contents(atPath: "\(folder)/\(file)")!))
            let request = json["request"]!
            let expect = json["expect"]!
            let body = request["bodyText"]?.stringValue ?? JSONWriter.string(request["body"]!)
            let outbound = expect["outboundText"]?.stringValue ?? expect["outbound"].map(JSONWriter.string)
            return TranslationFixture(
                name: String(file.dropLast(5)), path: request["path"]!.stringValue!, body: body,
                status: Int(expect["status"]!.numberValue!.int64Value!), outbound: outbound,
                answer: expect["answer"].map(JSONWriter.string))
        }
    }
}

@Suite(.serialized) struct FixtureTests {
    @Test(arguments: try TranslationFixture.all())
    func translation(_ fixture: TranslationFixture) async throws {
        try await withHarness { harness in try await check(fixture, harness) }
    }

    private func check(_ fixture: TranslationFixture, _ harness: GatewayHarness) async throws {
        let (status, body) = try await harness.send(path: fixture.path, body: fixture.body)
        #expect(status == fixture.status, "answer: \(body)")
        if let answer = fixture.answer {
            #expect(body == answer)
        }
        if let outbound = fixture.outbound {
            let accepted = harness.flameup.accepted
            #expect(accepted.count == 1)
            #expect(accepted.first?.bodyText == outbound)
            #expect(accepted.first?.request.path == "/api/v1/workspaces/\(GatewayHarness.workspace)/events")
            #expect(accepted.first?.request.header("Authorization") == "Bearer \(GatewayHarness.token)")
        } else {
            #expect(harness.flameup.requests.isEmpty, "a rejected request must not be forwarded")
            #expect(try harness.deliveries().isEmpty)
        }
    }
}
