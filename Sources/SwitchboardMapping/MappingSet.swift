import Foundation
import SwitchboardCore

/// Every provider under a mappings folder, with the mapping files they name, compiled and checked.
///
/// Layout: `providers/<id>.json`; mapping paths inside a provider file are relative to the folder.
public struct MappingSet: Sendable {
    public let directory: String
    public let providers: [String: Provider]

    public func provider(_ id: String) -> Provider? { providers[id] }

    /// Loads and compiles the folder.
    /// - Throws: ``ConfigProblems`` listing every problem in every file.
    public static func load(directory: String) throws(ConfigProblems) -> MappingSet {
        var problems: [ConfigProblem] = []
        let providerDir = (directory as NSString).appendingPathComponent("providers")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: providerDir).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw ConfigProblems([ConfigProblem(file: providerDir, pointer: "", message: "cannot read the folder")])
        }
        var mappings: [String: Mapping] = [:]
        var positions: [String: [String: (line: Int, column: Int)]] = [:]
        var providers: [String: Provider] = [:]
        for name in names {
            let file = "providers/\(name)"
            guard let (json, filePositions) = readJSON(directory: directory, file: file, problems: &problems) else { continue }
            positions[file] = filePositions
            let provider = Provider.compile(json, file: file, problems: &problems) { path, pointer, problems in
                if let cached = mappings[path] { return cached }
                guard let (mappingJSON, mappingPositions) = readJSON(directory: directory, file: path, problems: &problems, referencedFrom: (file, pointer))
                else { return nil }
                positions[path] = mappingPositions
                let mapping = Mapping.compile(mappingJSON, file: path, problems: &problems)
                mappings[path] = mapping
                return mapping
            }
            guard let provider else { continue }
            if provider.id + ".json" != name {
                problems.append(ConfigProblem(file: file, pointer: "/id", message: "the id '\(provider.id)' must match the file name"))
            }
            providers[provider.id] = provider
        }
        for provider in providers.values.sorted(by: { $0.id < $1.id }) {
            for endpoint in provider.receive {
                if let decode = endpoint.decode { MappingChecker.checkDecode(decode, problems: &problems) }
            }
            for endpoint in provider.send?.endpoints ?? [] {
                guard let encode = endpoint.encode else { continue }
                MappingChecker.checkEncode(encode, against: endpoint.request, vendor: provider.name, problems: &problems)
            }
        }
        guard problems.isEmpty else {
            throw ConfigProblems(problems.map { problem in
                positions[problem.file].map { problem.located(in: $0) } ?? problem
            })
        }
        return MappingSet(directory: directory, providers: providers)
    }

    static func readJSON(
        directory: String, file: String, problems: inout [ConfigProblem], referencedFrom: (String, String)? = nil
    ) -> (JSONValue, [String: (line: Int, column: Int)])? {
        let full = (directory as NSString).appendingPathComponent(file)
        let data: [UInt8]
        do {
            data = try FileContents.bytes(atPath: full)
        } catch {
            if let (from, pointer) = referencedFrom {
                problems.append(ConfigProblem(file: from, pointer: pointer, message: "no such mapping file '\(file)'"))
            } else {
                problems.append(ConfigProblem(file: file, pointer: "", message: "cannot read the file: \(error)"))
            }
            return nil
        }
        do {
            return try JSONParser.parseWithPositions(data)
        } catch let error as JSONParseError {
            problems.append(ConfigProblem(file: "\(file):\(error.line):\(error.column)", pointer: "", message: error.reason))
        } catch {
            problems.append(ConfigProblem(file: file, pointer: "", message: "\(error)"))
        }
        return nil
    }
}

extension MappingSet {
    /// Every mapping file the providers name, each once, sorted by file.
    public var mappings: [Mapping] {
        var seen: [String: Mapping] = [:]
        for provider in providers.values {
            for endpoint in provider.receive {
                if let decode = endpoint.decode { seen[decode.file] = decode }
            }
            for endpoint in provider.send?.endpoints ?? [] {
                if let encode = endpoint.encode { seen[encode.file] = encode }
            }
        }
        return seen.values.sorted { $0.file < $1.file }
    }
}
