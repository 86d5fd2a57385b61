import SwitchboardCore

/// One output value of a mapping, compiled from its JSON form. Its keys are listed, with
/// examples, in docs/RULES.md (generated from ``RuleKeys``).
///
/// Evaluation order: `when` (false makes the value absent); the source gives a value or nothing
/// (absent); a null is handled as `null` says; a present value is converted (`convert`, `map`),
/// checked (`type`, `nonEmpty`, `maxLength`), converted (`time`) and cleaned (`dropNulls`); if
/// the value is still absent, `default` is evaluated; if it is still absent and `required` is
/// set, that is an error. An absent value is left out of the object it belongs to.
public struct Rule: Sendable {
    public indirect enum Source: Sendable {
        /// The first of these paths that is present.
        case paths([Path])
        case constant(JSONValue)
        case template(Template)
        /// The current time from the context's clock, as RFC 3339 text.
        case now
        /// A new identifier from the context's generator.
        case uuid
        /// An object built member by member, in this order.
        case fields([(key: String, rule: Rule)])
        /// An array built element by element.
        case list([Rule])
        /// A one-member object whose key is computed.
        case entry(key: Rule, value: Rule)
        /// The object at a path without some of its keys.
        case rest(Path, except: Set<String>)
        /// Objects merged left to right; a later member replaces an earlier one.
        case merge([Rule])
        /// The array at a path, each element mapped by a rule that reads it as `item`.
        case each(Path, Rule)
    }

    /// What a null source value means.
    public enum NullHandling: String, Sendable, CaseIterable {
        /// A null is an error ("may not be null").
        case error
        /// A null passes through as null.
        case keep
        /// A null counts as absent, so `default` and `required` apply.
        case absent
    }

    public enum ValueType: String, Sendable, CaseIterable {
        case string, integer, number, boolean, object, array, any

        func accepts(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.any, _), (.string, .string), (.boolean, .bool), (.object, .object), (.array, .array),
                (.number, .number):
                true
            case (.integer, .number(let n)): n.isInteger
            default: false
            }
        }

        var article: String {
            switch self {
            case .integer, .object, .array, .any: "an \(rawValue)"
            default: "a \(rawValue)"
            }
        }
    }

    public var source: Source
    public var when: Condition?
    public var null: NullHandling = .error
    public var convert: Conversion?
    public var valueMap: ValueMap?
    public var type: ValueType?
    public var nonEmpty = false
    public var maxLength: Int?
    public var time: TimeConversion?
    public var dropNulls = false
    public var required = false
    public var `default`: Rule? {
        get { defaultBox?.rule }
        set { defaultBox = newValue.map(RuleBox.init) }
    }
    private var defaultBox: RuleBox?

    public init(source: Source) { self.source = source }
}

/// Lets a rule hold its default rule.
final class RuleBox: Sendable {
    let rule: Rule
    init(_ rule: Rule) { self.rule = rule }
}
