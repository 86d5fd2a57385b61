import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardSandbox
import Testing

/// One inbound vendor's request sent to one target, end to end over TLS, from fixtures/matrix.
struct MatrixCase: CustomTestStringConvertible, Sendable {
    let from: String
    let target: String
    var testDescription: String { "\(from) → \(target)" }

    static var all: [MatrixCase] {
        SandboxConfig.inbound.flatMap { from in SandboxConfig.targets.map { MatrixCase(from: from, target: $0.name) } }
    }

    var file: String { fixture("matrix/\(from).json") }

    /// The gateway path: the vendor's own for its usual target, else under /to/<target>.
    func path(_ vendorPath: String) -> String {
        target == SandboxConfig.usualTarget(of: from) ? vendorPath : "/to/\(target)\(vendorPath)"
    }
}

/// Every inbound vendor × every target: the app's answer and the exact requests the target's
/// strict mock received (a prerequisite first, where the vendor needs one), or, for a pair that
/// cannot carry the event, the inbound vendor's error with nothing sent anywhere.
///
/// `SWITCHBOARD_RECORD_MATRIX=1 swift test --filter MatrixTests` writes what was received into
/// the fixtures instead of comparing, for review in the diff.
@Suite(.serialized) struct MatrixTests {
    @Test(arguments: MatrixCase.all)
    func pair(_ pair: MatrixCase) async throws {
        let json = try JSONParser.parse(Array(FileManager.default.contents(atPath: pair.file)!))
        let request = json["request"]!
        try await withSandbox { sandbox in
            let answer = try await sandbox.send(as: pair.from, path: pair.path(request["path"]!.stringValue!),
                                                body: JSONWriter.bytes(request["body"]!))
            let provider = SandboxConfig.targets.first { $0.name == pair.target }!.provider
            let mock = sandbox.vendors.vendor(provider)!.mock
            let expected = json["outbound"]?[pair.target]
            let refused = !(200..<300).contains(answer.status)
            if refused {
                try? await Task.sleep(for: .milliseconds(200))
            } else {
                // A paced target may answer the app before it sends: wait for the event to arrive.
                let count = expected?.arrayValue?.count ?? 1
                _ = await sandbox.eventually { mock.requests.count >= count }
            }
            let received: [JSONValue] = mock.requests.map { r in
                .object(JSONObject([
                    (key: "method", value: .string(r.request.method)), (key: "uri", value: .string(r.request.uri)),
                    (key: "body", value: r.body.isEmpty ? .null : ((try? JSONParser.parse(r.body)) ?? .string(r.bodyText))),
                ]))
            }
            let actual: JSONValue = refused ? ["refused": .object(JSONObject([(key: "status", value: .integer(Int64(answer.status))),
                                                                             (key: "body", value: (try? JSONParser.parse(Array(answer.body.utf8))) ?? .string(answer.body))]))]
                : .array(received)
            if ProcessInfo.processInfo.environment["SWITCHBOARD_RECORD_MATRIX"] == "1" {
                try Self.record(actual, pair: pair, json: json)
                return
            }
            #expect(expected != nil, "fixtures/matrix/\(pair.from).json has no outbound for \(pair.target)")
            #expect(JSONWriter.string(actual) == expected.map(JSONWriter.string), "received by \(pair.target)")
            if !refused {
                #expect(answer.status == Int(json["answer"]!["status"]!.numberValue!.int64Value!))
                #expect(answer.body == JSONWriter.string(json["answer"]!["body"]!))
                #expect(mock.requests.allSatisfy { (200..<300).contains($0.status) }, "the strict mock accepted every request")
            } else {
                #expect(received.isEmpty, "a refused event is not forwarded")
            }
            for other in sandbox.vendors.vendors where other.provider != provider {
                #expect(other.mock.requests.isEmpty, "\(other.provider) got nothing")
            }
        }
    }

    private static func record(_ actual: JSONValue, pair: MatrixCase, json: JSONValue) throws {
        // Each case re-reads the file, so the cases of one vendor add up.
        var current = try JSONParser.parse(Array(FileManager.default.contents(atPath: pair.file)!))
        guard case .object(var object) = current else { return }
        var outbound = object["outbound"]?.objectValue ?? JSONObject()
        outbound.set(pair.target, actual)
        object.set("outbound", .object(outbound))
        current = .object(object)
        try Data(JSONWriter.bytes(current)).write(to: URL(fileURLWithPath: pair.file))
    }
}
