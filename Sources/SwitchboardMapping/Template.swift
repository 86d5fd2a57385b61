import SwitchboardCore

/// Text with `{path}` placeholders, e.g. `"JSON parse error - {error.message}"`. `{{` and `}}`
/// stand for literal braces. A placeholder whose path is absent makes the whole template absent.
public struct Template: Sendable {
    enum Part: Sendable {
        case text(String)
        case value(Path)
    }

    let parts: [Part]

    /// The paths the template reads.
    public var paths: [Path] {
        parts.compactMap { if case .value(let p) = $0 { p } else { nil } }
    }

    /// Parses a template; the error names what is wrong.
    public init(parsing text: String) throws(TemplateSyntaxError) {
        var parts: [Part] = []
        var literal = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "{", next < text.endIndex, text[next] == "{" {
                literal.append("{")
                i = text.index(after: next)
            } else if c == "}", next < text.endIndex, text[next] == "}" {
                literal.append("}")
                i = text.index(after: next)
            } else if c == "{" {
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw TemplateSyntaxError(message: "'{' without a closing '}'")
                }
                let pathText = String(text[next..<close])
                guard let path = Path(pathText) else {
                    throw TemplateSyntaxError(message: "'\(pathText)' is not a path")
                }
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = ""
                parts.append(.value(path))
                i = text.index(after: close)
            } else if c == "}" {
                throw TemplateSyntaxError(message: "'}' without an opening '{' (write '}}' for a brace)")
            } else {
                literal.append(c)
                i = next
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        self.parts = parts
    }

    /// The filled-in text, or nil when a placeholder's path is absent.
    func render(in context: EvaluationContext, escaping: ((String) -> String) = { $0 }) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .value(let path):
                guard let value = path.resolve(in: context) else { return nil }
                let text = if case .string(let s) = value { s } else { JSONWriter.string(value) }
                out += escaping(text)
            }
        }
        return out
    }
}

public struct TemplateSyntaxError: Error, Sendable {
    public let message: String
}

extension Template {
    /// The filled-in text, or nil when a placeholder's path is absent.
    public func renderText(in context: EvaluationContext) -> String? {
        render(in: context)
    }

    /// The filled-in text with every placeholder's value passed through `escaping` (e.g.
    /// percent-encoding for a URL), or nil when a placeholder's path is absent.
    public func renderText(in context: EvaluationContext, escaping: (String) -> String) -> String? {
        render(in: context, escaping: escaping)
    }
}
