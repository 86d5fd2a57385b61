import SwitchboardCore

/// The named values a mapping reads from: for a decode mapping `body`, `path`, `query`; for an
/// encode mapping `event` and `settings`; for an answer `answer` or `error`.
public struct EvaluationContext: Sendable {
    private var roots: [(String, JSONValue)]
    /// Where `now` comes from.
    public var clock: any SwitchboardClock
    /// Where `uuid` comes from.
    public var identifiers: any IdentifierGenerator = RandomIdentifiers()
    /// When set, every rule notes how it made its value (for `explain`).
    public var trace: ExplainTrace?

    public init(clock: any SwitchboardClock = SystemClock(), _ roots: [(String, JSONValue)] = []) {
        self.clock = clock
        self.roots = roots
    }

    public func root(_ name: String) -> JSONValue? {
        for entry in roots where entry.0 == name { return entry.1 }
        return nil
    }

    public mutating func set(_ name: String, _ value: JSONValue) {
        if let i = roots.firstIndex(where: { $0.0 == name }) {
            roots[i].1 = value
        } else {
            roots.append((name, value))
        }
    }
}
