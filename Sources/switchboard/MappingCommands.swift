import ArgumentParser
import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardIngress
import SwitchboardMapping

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every provider and mapping file; report every problem with file and JSON pointer.")

    @Argument(help: "The mappings folder.")
    var directory = "mappings"

    func run() throws {
        do {
            let set = try MappingSet.load(directory: directory)
            let files = set.mappings.count + set.providers.count
            print("\(directory): \(set.providers.count) providers, \(set.mappings.count) mappings, \(files) files: no problems")
        } catch {
            for problem in error.problems { print(problem) }
            print("\(error.problems.count) problem(s)")
            throw ExitCode(1)
        }
    }
}

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the examples inside mapping files and the request fixtures, sending nothing.")

    @Argument(help: "The mappings folder.")
    var directory = "mappings"

    @Option(help: "The fixtures folder (each sub-folder with a route.json is run).")
    var fixtures = "fixtures"

    func run() throws {
        let set = try build { try MappingSet.load(directory: directory) }
        let runner = CorpusRunner(mappings: set)
        let results = runner.runExamples() + runner.runFixtures(in: fixtures)
        var failed = 0
        for result in results {
            if let failure = result.failure {
                failed += 1
                print("FAIL \(result.name): \(failure)")
            } else {
                print("PASS \(result.name)")
            }
        }
        print("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 || results.isEmpty { throw ExitCode(1) }
    }
}

/// The options `translate` and `explain` share, and how they find the route and the request.
struct DryRunOptions: ParsableArguments {
    @Option(help: "The config file; without it, the sandbox's user.com → Flameup route.")
    var config: String?

    @Option(help: "The route's name.")
    var route = "usercom-to-flameup"

    @Option(help: "The request file; '-' or nothing reads standard input.")
    var request: String?

    @Option(help: "The mappings folder when no --config is given.")
    var mappings = "mappings"

    /// The route, the request and its path parameters.
    func load() throws -> (InboundRoute, InboundRequest, [(String, String)]) {
        var loaded = try config.map(loadConfig) ?? build { try Config.parse(Array(SandboxSession.defaultConfig.utf8), file: "sandbox.json") }
        if config == nil { loaded.mappings = mappings }
        let set = try build { try MappingSet.load(directory: loaded.mappings) }
        let table = try build {
            try RouteTable(config: loaded, mappings: set, environment: [:], mappingClock: SystemClock(), redactSecrets: true)
        }
        guard let route = table.route(route) else {
            throw ValidationError("no route named '\(self.route)'; routes: \(table.routes.map(\.name).joined(separator: ", "))")
        }
        let data = request == nil || request == "-" ? FileHandle.standardInput.readDataToEndOfFile()
            : try Data(contentsOf: URL(fileURLWithPath: request!))
        var json = try JSONParser.parse(Array(data))
        if let inner = json["request"] { json = inner }
        guard let inbound = InboundRequest(described: json, defaultMethod: route.endpoint.method) else {
            throw ValidationError("the request needs a \"path\"")
        }
        // A dry run may leave out the route's prefix.
        guard let parameters = route.match(inbound.path) ?? route.endpoint.path.match(inbound.path) else {
            throw ValidationError("\(inbound.path) does not match \(route.endpoint.path)")
        }
        return (route, inbound, parameters)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Like translate, with each output field annotated: the path or fallback that gave it, what converted it, whether a default was used.")

    @OptionGroup var options: DryRunOptions

    func run() throws {
        let (route, inbound, parameters) = try options.load()
        do {
            let translation = try route.translate(inbound, parameters: parameters, clock: SystemClock(), explain: true)
            print("decode \(route.endpoint.decode?.file ?? "-") → canonical event")
            explainFields(translation.event, translation.traces[0])
            for (i, target) in route.targets.enumerated() {
                let request = translation.requests[i]
                print("encode \(target.endpoint.encode?.file ?? "(no body)") → \(target.name): \(request.method) \(request.url)")
                if let body = try? JSONParser.parse(request.body), case .object(let object) = body {
                    explainFields(object, translation.traces[i + 1])
                }
            }
        } catch {
            let answer = route.provider.answer(for: error)
            print("rejected: \(error.message)\nthe app would get \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            throw ExitCode(1)
        }
    }

    private func explainFields(_ object: JSONObject, _ trace: ExplainTrace) {
        for member in object.members {
            print("  \(member.key) = \(JSONWriter.string(member.value))")
            for note in trace.notes(for: member.key) {
                print("      \(note.field == member.key ? "" : "\(note.field): ")\(note.text)")
            }
        }
    }
}

struct Translate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry run: print the request(s) one inbound request would produce, sending nothing.",
        discussion: """
            The request is JSON: {"method": "POST", "path": "/api/public/users-by-id/u1/events/", "body": {…}}
            (or "bodyText" for a raw body); a fixture file with a "request" member works too. Credentials are
            shown as <redacted>.
            """)

    @OptionGroup var options: DryRunOptions

    func run() throws {
        let (route, inbound, parameters) = try options.load()
        do {
            let translation = try route.translate(inbound, parameters: parameters, clock: SystemClock())
            print("canonical event:\n  \(JSONWriter.string(.object(translation.event)))")
            for (target, outbound) in zip(route.targets, translation.requests) {
                print("\(target.name) (\(target.provider.name)):\n  \(outbound.method) \(outbound.url)")
                for header in outbound.headers { print("  \(header)") }
                print("  \(String(decoding: outbound.body, as: UTF8.self))")
                if let then = outbound.then {
                    // The request that delivers the event is built from the prerequisite's answer.
                    if let next = try? then.build(Array("{}".utf8)) {
                        print("  then, after \(then.step) succeeds:\n  \(next.method) \(next.url)")
                        for header in next.headers { print("  \(header)") }
                        print("  \(String(decoding: next.body, as: UTF8.self))")
                    } else {
                        print("  then a request built from \(then.step)'s answer")
                    }
                }
            }
        } catch {
            let answer = route.provider.answer(for: error)
            print("rejected; the app would get \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            throw ExitCode(1)
        }
    }
}

struct Reference: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check (or --write) the files generated from the rule registry: the JSON Schemas and docs/RULES.md.")

    @Flag(help: "Write the files instead of checking them.")
    var write = false

    @Option(help: "The repository folder.")
    var root = "."

    func run() throws {
        var stale: [String] = []
        for (path, text) in GeneratedFiles.all {
            let full = "\(root)/\(path)"
            if write {
                try text.write(toFile: full, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            } else if (try? String(contentsOfFile: full, encoding: .utf8)) != text {
                stale.append(path)
            }
        }
        if !stale.isEmpty {
            print("out of date (run switchboard reference --write): \(stale.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }
}
