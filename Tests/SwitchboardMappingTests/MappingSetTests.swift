import Foundation
import SwitchboardCore
import SwitchboardMapping
import Testing

let mappingsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("mappings").path

/// Writes `files` (path → JSON text) into a fresh folder and loads it.
func load(_ files: [String: String]) throws(ConfigProblems) -> MappingSet {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mappings-\(UUID().uuidString)").path
    for (path, text) in files {
        let full = (folder as NSString).appendingPathComponent(path)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try MappingSet.load(directory: folder)
}

/// Problems as "file: pointer: message", without line and column.
func plain(_ problems: ConfigProblems) -> [String] {
    problems.problems.map { "\($0.file): \($0.pointer): \($0.message)" }
}

@Suite struct MappingSetTests {
    @Test func shippedMappingsLoad() throws {
        let set = try MappingSet.load(directory: mappingsFolder)
        #expect(set.provider("usercom")?.receive.first?.path.description == "/api/public/users-by-id/{user_id}/events/")
        #expect(set.provider("flameup")?.send?.endpoint("track") != nil)
    }

    @Test func decodesUserComExampleIntoACanonicalEvent() throws {
        let set = try MappingSet.load(directory: mappingsFolder)
        let decode = try #require(set.provider("usercom")?.receive.first?.decode)
        let body = try JSONParser.parse(#"{"name":"profile_updated","timestamp":1426967129,"data":{"k":"v"}}"#)
        let event = try decode.apply(EvaluationContext([("body", body), ("path", ["user_id": "u1"])]))
        #expect(JSONWriter.string(.object(event))
            == #"{"type":"track","userId":"u1","event":"profile_updated","timestamp":"2015-03-21T19:45:29Z","properties":{"k":"v"}}"#)
    }

    @Test func reportsEveryProblemWithFilePointerAndSuggestion() {
        let provider = """
            {"id": "acme", "send": {"endpoints": {"track": {"method": "POST", "path": "/e", "encode": "acme/encode.json"}}}}
            """
        let mapping = """
            {"kind": "encode", "provider": "acme", "endpoint": "track", "fields": {
              "a": {"form": "event.userId"},
              "b": {"from": "evnt.userId"},
              "c": {"from": "event.x", "type": "strng"},
              "d": {"from": "event.x", "const": 1},
              "e": {"from": "event.t", "time": {"from": "unix_secs", "to": "rfc3339"}}
            }}
            """
        do {
            _ = try load(["providers/acme.json": provider, "acme/encode.json": mapping])
            Issue.record("a broken mapping loaded")
        } catch {
            let text = plain(error)
            #expect(error.problems.map(\.description).contains("acme/encode.json:2:17: /fields/a/form: unknown key 'form' (did you mean 'from'?)"))
            #expect(text.contains("acme/encode.json: /fields/a/form: unknown key 'form' (did you mean 'from'?)"))
            #expect(text.contains("acme/encode.json: /fields/b/from: unknown root 'evnt' in path 'evnt.userId'; here a path starts with event, settings, prior (did you mean 'event'?)"))
            #expect(text.contains("acme/encode.json: /fields/c/type: 'strng' is not one of string, integer, number, boolean, object, array, any (did you mean 'string'?)"))
            #expect(text.contains("acme/encode.json: /fields/d: a rule has exactly one source, found from and const"))
            #expect(text.contains { $0.hasPrefix("acme/encode.json: /fields/e/time/from: 'unix_secs' is not one of") })
            #expect(error.problems.count == 6, "\(text)")
            #expect(error.problems.allSatisfy { $0.location != nil }, "every problem in a readable file has a line and column")
        }
    }

    @Test func namesAMissingMappingFileAndBrokenJSONWithLineAndColumn() {
        do {
            _ = try load([
                "providers/a.json": #"{"id": "a", "send": {"endpoints": {"t": {"method": "POST", "path": "/e", "encode": "nope.json"}}}}"#,
                "providers/b.json": "{\"id\": \"b\",\n  \"send\": }",
            ])
            Issue.record("loaded")
        } catch {
            let text = error.problems.map(\.description)
            #expect(text.contains("providers/a.json:1:84: /send/endpoints/t/encode: no such mapping file 'nope.json'"))
            #expect(text.contains("providers/b.json:2:11: /: Expecting value"))
        }
    }
}
