import Foundation
import SwitchboardCore
import SwitchboardMapping

/// Where a secret comes from: an environment variable or a file, never the config itself.
///
/// `{"env": "FLAMEUP_TOKEN"}` or `{"file": "/run/secrets/flameup"}`. A file's trailing newline is
/// dropped. For key lists, the value holds several keys separated by commas, spaces or lines.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)

    static func parse(_ value: JSONValue, file: String, pointer: String, problems: inout [ConfigProblem]) -> SecretSource? {
        guard let reader = JSONReader(value, file: file, pointer: pointer, allowed: ["env", "file"], problems: &problems) else {
            return nil
        }
        let env = reader.string("env", problems: &problems)
        let path = reader.string("file", problems: &problems)
        switch (env, path) {
        case (let env?, nil): return .environment(env)
        case (nil, let path?): return .file(path)
        default:
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "a secret needs exactly one of 'env' or 'file' (secrets are never written in the config)"))
            return nil
        }
    }

    /// Reads the secret; the error names the source, never the value.
    func read(environment: [String: String]) throws(ConfigProblems) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigProblems([ConfigProblem(file: "environment", pointer: "", message: "the variable \(name) is not set")])
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigProblems([ConfigProblem(file: path, pointer: "", message: "cannot read the secret file")])
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Reads a list of keys.
    func readKeys(environment: [String: String]) throws(ConfigProblems) -> [Secret] {
        try read(environment: environment)
            .split(whereSeparator: { $0 == "," || $0.isWhitespace })
            .map { Secret(String($0)) }
    }
}
