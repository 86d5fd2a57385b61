import SwitchboardCore

/// The named values a mapping reads from: for a decode mapping `body`, `path`, `query`; for an
/// encode mapping `event` and `settings`; for an answer `answer` or `error`.
public struct EvaluationContext: Sendable {
    private var roots: [(name: String, value: JSONValue)]
    /// Where `now` comes from.
    public var clock: any SwitchboardClock
    /// Where `uuid` comes from.
    public var identifiers: any IdentifierGenerator = RandomIdentifiers()
    /// When set, every rule notes how it made its value (for `explain`).
    public var trace: ExplainTrace?

    public init(clock: any SwitchboardClock = SystemClock(), _ roots: [(String, JSONValue)] = []) {
        self.clock = clock
        self.roots = roots.map { (name: $0.0, value: $0.1) }
    }

    public func root(_ name: String) -> JSONValue? {
        for entry in roots where entry.name == name { return entry.value }
        return nil
    }

    public mutating func set(_ name: String, _ value: JSONValue) {
        if let i = roots.firstIndex(where: { $0.name == name }) {
            roots[i].value = value
        } else {
            roots.append((name: name, value: value))
        }
    }
}
