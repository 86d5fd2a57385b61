import SwitchboardCore

/// A path into the evaluation context: a root name, then object keys and array indexes.
///
/// `body.items[0].sku` reads the root `body`, its key `items`, the first element, its key `sku`.
/// A key that is not a plain name is written in brackets: `body["first name"]`.
///
/// A class, so that reading a rule's paths while mapping costs a reference count, not a copy of
/// every string in the path.
public final class Path: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public let root: String
    public let segments: [Segment]
    public let description: String

    /// The path without its root, as the sender of the data names the field (`items[0].sku`).
    public let fieldName: String

    /// Parses a path; returns nil for malformed text (the compiler reports it).
    public init?(_ text: String) {
        var chars = Substring(text)
        func name() -> String? {
            let n = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "$" }
            guard !n.isEmpty else { return nil }
            chars = chars.dropFirst(n.count)
            return String(n)
        }
        guard let root = name() else { return nil }
        var segments: [Segment] = []
        while let c = chars.first {
            if c == "." {
                chars = chars.dropFirst()
                guard let key = name() else { return nil }
                segments.append(.key(key))
            } else if c == "[" {
                chars = chars.dropFirst()
                if chars.first == "\"" {
                    chars = chars.dropFirst()
                    guard let end = chars.firstIndex(of: "\"") else { return nil }
                    segments.append(.key(String(chars[..<end])))
                    chars = chars[chars.index(after: end)...]
                } else {
                    let digits = chars.prefix { $0.isASCII && $0.isNumber }
                    guard !digits.isEmpty, let i = Int(digits) else { return nil }
                    segments.append(.index(i))
                    chars = chars.dropFirst(digits.count)
                }
                guard chars.first == "]" else { return nil }
                chars = chars.dropFirst()
            } else {
                return nil
            }
        }
        self.root = root
        self.segments = segments
        self.description = text
        self.fieldName = Self.fieldName(root: root, segments: segments)
    }

    private static func fieldName(root: String, segments: [Segment]) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .key(let k):
                if !out.isEmpty { out += "." }
                out += k
            case .index(let i): out += "[\(i)]"
            }
        }
        return out.isEmpty ? root : out
    }

    public static func == (lhs: Path, rhs: Path) -> Bool {
        lhs.description == rhs.description
    }

    /// The value at this path, or nil when any step is missing.
    public func resolve(in context: EvaluationContext) -> JSONValue? {
        guard var value = context.root(root) else { return nil }
        for segment in segments {
            switch (segment, value) {
            case (.key(let k), .object(let o)):
                guard let next = o[k] else { return nil }
                value = next
            case (.index(let i), .array(let a)):
                guard i < a.count else { return nil }
                value = a[i]
            default:
                return nil
            }
        }
        return value
    }
}
