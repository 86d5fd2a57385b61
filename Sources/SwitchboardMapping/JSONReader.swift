import SwitchboardCore

/// Reads a JSON object from a config file strictly: every key must be known, and each problem is
/// recorded with the file and a JSON pointer, so all of them can be reported at once.
public struct JSONReader {
    public let file: String
    public let pointer: String
    public let object: JSONObject

    /// Starts reading `value`, which must be an object.
    public init?(_ value: JSONValue, file: String, pointer: String, allowed: [String], problems: inout [ConfigProblem]) {
        guard case .object(let object) = value else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be an object, not \(value.typeName)"))
            return nil
        }
        self.file = file
        self.pointer = pointer
        self.object = object
        for key in object.keys where !allowed.contains(key) && key != "$schema" && key != "description" {
            problems.append(problem(at: key, "unknown key '\(key)'\(Suggestion.hint(for: key, in: allowed))"))
        }
    }

    public func at(_ key: String) -> String { "\(pointer)/\(pointerEscape(key))" }

    public func problem(at key: String, _ message: String) -> ConfigProblem {
        ConfigProblem(file: file, pointer: at(key), message: message)
    }

    public func string(_ key: String, required: Bool = false, problems: inout [ConfigProblem]) -> String? {
        guard let value = object[key] else {
            if required { problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key '\(key)'")) }
            return nil
        }
        guard case .string(let s) = value else {
            problems.append(problem(at: key, "must be a string, not \(value.typeName)"))
            return nil
        }
        return s
    }

    public func bool(_ key: String, problems: inout [ConfigProblem]) -> Bool? {
        guard let value = object[key] else { return nil }
        guard case .bool(let b) = value else {
            problems.append(problem(at: key, "must be true or false, not \(value.typeName)"))
            return nil
        }
        return b
    }

    /// The members of an object whose values are all strings, in order; nil (and `message` as
    /// a problem) for anything else, nil without a problem when the key is absent.
    public func stringMembers(_ key: String, _ message: String, problems: inout [ConfigProblem]) -> [(String, String)]? {
        guard let value = object[key] else { return nil }
        guard case .object(let o) = value, o.members.allSatisfy({ $0.value.stringValue != nil }) else {
            problems.append(problem(at: key, message))
            return nil
        }
        return o.members.map { ($0.key, $0.value.stringValue!) }
    }

    public func int(_ key: String, range: ClosedRange<Int64>, problems: inout [ConfigProblem]) -> Int64? {
        guard let value = object[key] else { return nil }
        guard case .number(let n) = value, let i = n.int64Value, range.contains(i) else {
            problems.append(problem(at: key, "must be an integer in \(range.lowerBound)...\(range.upperBound)"))
            return nil
        }
        return i
    }

    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type, problems: inout [ConfigProblem]) -> T?
    where T.RawValue == String {
        guard let value = object[key] else { return nil }
        return Self.choice(value, file: file, pointer: at(key), problems: &problems)
    }

    /// `value` as one of `T`'s cases, or a problem naming the cases and the closest one.
    static func choice<T: RawRepresentable & CaseIterable>(
        _ value: JSONValue, file: String, pointer: String, problems: inout [ConfigProblem]
    ) -> T? where T.RawValue == String {
        guard case .string(let text) = value else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be a string, not \(value.typeName)"))
            return nil
        }
        guard let choice = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue)
            problems.append(ConfigProblem(file: file, pointer: pointer,
                message: "'\(text)' is not one of \(names.joined(separator: ", "))\(Suggestion.hint(for: text, in: names))"))
            return nil
        }
        return choice
    }
}
