/// A problem in a provider, mapping or config file: which file, where (a JSON pointer), and what.
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let pointer: String
    public let message: String
    /// Where in the file, when known: line and column, both from 1.
    public var location: (line: Int, column: Int)?

    public init(file: String, pointer: String, message: String, location: (line: Int, column: Int)? = nil) {
        self.file = file
        self.pointer = pointer
        self.message = message
        self.location = location
    }

    public var description: String {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        return "\(place): \(pointer.isEmpty ? "/" : pointer): \(message)"
    }

    public static func == (lhs: ConfigProblem, rhs: ConfigProblem) -> Bool {
        lhs.description == rhs.description
    }

    /// This problem placed at its pointer (or the nearest enclosing value) in `positions`.
    func located(in positions: [String: (line: Int, column: Int)]) -> ConfigProblem {
        var copy = self
        var pointer = self.pointer
        while copy.location == nil {
            if let found = positions[pointer] {
                copy.location = found
            } else if let slash = pointer.lastIndex(of: "/") {
                pointer = String(pointer[..<slash])
            } else {
                break
            }
        }
        return copy
    }
}

/// Every problem found in a set of files, reported together.
public struct ConfigProblems: Error, Sendable, CustomStringConvertible {
    public let problems: [ConfigProblem]
    public init(_ problems: [ConfigProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// "did you mean" for a misspelt name: the closest candidate within a small edit distance.
enum Suggestion {
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(Array(word.lowercased()), Array(candidate.lowercased()))
            if d <= limit, d < (best?.1 ?? .max) { best = (candidate, d) }
        }
        return best?.0
    }

    static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Edit distance counting an insertion, deletion, substitution or swap of neighbours as one.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

/// Escapes a key for use in a JSON pointer (RFC 6901).
public func pointerEscape(_ key: String) -> String {
    key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
}

import Foundation
