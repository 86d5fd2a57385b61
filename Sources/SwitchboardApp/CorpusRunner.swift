import Foundation
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardIngress
import SwitchboardMapping

/// Runs the examples inside mapping files and the request fixtures under `fixtures/`, sending
/// nothing: what `switchboard test` prints and what `swift test` checks.
///
/// A fixture folder holds a `route.json` (`from`, `endpoint`, `to`, `targetEndpoint`, `settings`)
/// and one file per case: `request` (`path`, `body` or `bodyText`, optional `method`) and `expect`
/// (`status`, and `outbound`/`outboundText` — the exact body the vendor must receive — or `answer`,
/// the exact error body the app must get). Mappings read `now` as 2024-12-25T10:00:00Z.
public struct CorpusRunner: Sendable {
    public struct Result: Sendable {
        public let name: String
        /// nil when the case passed.
        public let failure: String?
    }

    public let mappings: MappingSet

    public init(mappings: MappingSet) {
        self.mappings = mappings
    }

    /// Every mapping example, in file order.
    public func runExamples() -> [Result] {
        mappings.mappings.flatMap { mapping in
            mapping.examples.map { example in
                Result(name: "\(mapping.file)\(example.pointer) \(example.name)", failure: example.failure(in: mapping))
            }
        }
    }

    /// Every fixture case in every folder under `folder` that has a `route.json`.
    public func runFixtures(in folder: String) -> [Result] {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.sorted().flatMap { entry -> [Result] in
            let dir = "\(folder)/\(entry)"
            guard fm.fileExists(atPath: "\(dir)/route.json") else { return [] }
            let route: InboundRoute
            do {
                route = try makeRoute(dir)
            } catch {
                return [Result(name: "\(entry)/route.json", failure: "\(error)")]
            }
            let cases = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") && $0 != "route.json" }
            return cases.sorted().map { file in
                Result(name: "\(entry)/\(file)", failure: runCase("\(dir)/\(file)", route: route))
            }
        }
    }

    /// The route a fixture folder's `route.json` describes, resolved like a config's routes
    /// (``RouteTable``), with credentials redacted since nothing is sent.
    private func makeRoute(_ dir: String) throws -> InboundRoute {
        let file = "\(dir)/route.json"
        let json = try JSONParser.parse(Array(FileManager.default.contents(atPath: file) ?? Data()))
        guard let from = json["from"], let to = json["to"]?.stringValue else {
            throw CorpusError(message: "route.json must name 'from' and 'to' providers")
        }
        let config: JSONValue = [
            "mappings": .string(mappings.directory),
            "targets": .object(JSONObject([(key: to, value: JSONValue.object(JSONObject([
                (key: "provider", value: .string(to)), (key: "endpoint", value: json["targetEndpoint"] ?? "track"),
                (key: "settings", value: json["settings"] ?? [:]),
            ])))])),
            "routes": [[
                "name": "fixtures", "from": from, "endpoint": json["endpoint"] ?? "track", "to": .string(to),
                "keys": ["env": "UNUSED"],
            ]],
        ]
        let table = try RouteTable(
            config: Config.parse(JSONWriter.bytes(config), file: file), mappings: mappings, environment: [:],
            mappingClock: FixedClock(MappingExample.defaultNow), redactSecrets: true)
        return table.routes[0]
    }

    private func runCase(_ file: String, route: InboundRoute) -> String? {
        guard let data = FileManager.default.contents(atPath: file), let json = try? JSONParser.parse(Array(data)),
            let request = json["request"], let expect = json["expect"],
            let inbound = InboundRequest(described: request, defaultMethod: "POST"),
            let status = expect["status"]?.numberValue?.int64Value
        else { return "not a fixture: needs request.path and expect.status" }
        guard let parameters = route.match(inbound.path) else { return "the path does not match \(route.endpoint.path)" }
        do {
            let translation = try route.translate(inbound, parameters: parameters, clock: FixedClock(MappingExample.defaultNow))
            guard (200..<300).contains(status) else { return "expected status \(status), but it translated" }
            let produced = String(decoding: translation.requests[0].body, as: UTF8.self)
            let expected = expect["outboundText"]?.stringValue ?? expect["outbound"].map(JSONWriter.string)
            if let expected, expected != produced { return "expected outbound \(expected), got \(produced)" }
            return nil
        } catch {
            let answer = route.provider.answer(for: error)
            let produced = String(decoding: answer.body, as: UTF8.self)
            if answer.status != Int(status) { return "expected status \(status), got \(answer.status) \(produced)" }
            if let expected = expect["answer"].map(JSONWriter.string), expected != produced {
                return "expected answer \(expected), got \(produced)"
            }
            return nil
        }
    }
}

struct CorpusError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
