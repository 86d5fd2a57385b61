import SwitchboardCore

/// A rule a vendor applies to what it is sent, declared in its provider file (`send.rules`) so
/// that Switchboard leaves out what the vendor would discard: a duplicate, an event over a
/// per-key throttle, bot traffic. Each rule reads the canonical event as `event`.
public struct VendorRule: Sendable {
    public enum Action: Sendable {
        /// Leave out every event the rule applies to (e.g. a bot's).
        case drop
        /// Send at most `max` events per key per window; leave out the rest. `dedupe` is the
        /// same with `max` 1.
        case throttle(key: Template, max: Int, windowSeconds: Int64)
    }

    public let name: String
    /// The rule applies only when this holds (always when nil).
    public let when: Condition?
    public let action: Action

    /// Whether the rule applies to `event`, and for a throttle the key it counts under (nil
    /// when the key's paths are absent: such an event is not throttled).
    public func applies(to event: JSONValue) -> (applies: Bool, key: String?) {
        let context = EvaluationContext([("event", event)])
        if let when, !when.holds(in: context) { return (false, nil) }
        switch action {
        case .drop: return (true, nil)
        case .throttle(let key, _, _):
            guard let text = key.renderText(in: context) else { return (false, nil) }
            return (true, text)
        }
    }
}

extension VendorRule {
    static let keys = ["name", "when", "drop", "dedupe", "throttle"]

    static func compile(_ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem]) -> VendorRule? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: keys, problems: &problems) else { return nil }
        let name = r.string("name", required: true, problems: &problems)
        var compiler = RuleCompiler(file: file, roots: ["event"])
        defer { problems += compiler.problems }
        var when = r.object["when"].flatMap { WhenKey.compileCondition($0, at: r.at("when"), &compiler) }
        let kinds = ["drop", "dedupe", "throttle"].filter { r.object[$0] != nil }
        guard kinds.count == 1 else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "a rule needs exactly one of 'drop', 'dedupe', 'throttle'"))
            return nil
        }
        let action: Action
        switch kinds[0] {
        case "drop":
            // `drop` is the condition itself: {"drop": {"path": …, "contains": […]}}.
            guard let condition = WhenKey.compileCondition(r.object["drop"]!, at: r.at("drop"), &compiler) else { return nil }
            when = when.map { .all([$0, condition]) } ?? condition
            action = .drop
        default:
            let dedupe = kinds[0] == "dedupe"
            let allowed = dedupe ? ["key", "withinSeconds"] : ["key", "max", "perSeconds"]
            guard let t = JSONReader(r.object[kinds[0]]!, file: file, pointer: r.at(kinds[0]), allowed: allowed, problems: &problems),
                let keyText = t.string("key", required: true, problems: &problems)
            else { return nil }
            let key: Template
            do {
                key = try Template(parsing: keyText)
            } catch {
                problems.append(t.problem(at: "key", error.message))
                return nil
            }
            for path in key.paths where path.root != "event" {
                problems.append(t.problem(at: "key", "a key reads the event, e.g. {event.userId}; found {\(path)}"))
            }
            let window = t.int(dedupe ? "withinSeconds" : "perSeconds", range: 1...(10 * 366 * 86_400), problems: &problems)
            let max = dedupe ? 1 : t.int("max", range: 1...1_000_000, problems: &problems) ?? 1
            guard let window else {
                problems.append(ConfigProblem(file: file, pointer: r.at(kinds[0]), message: "missing key '\(dedupe ? "withinSeconds" : "perSeconds")'"))
                return nil
            }
            action = .throttle(key: key, max: Int(max), windowSeconds: window)
        }
        guard let name else { return nil }
        return VendorRule(name: name, when: when, action: action)
    }
}
