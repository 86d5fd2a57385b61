import SwitchboardCore

/// One output value of a mapping, compiled from its JSON form. Its keys are listed, with
/// examples, in docs/RULES.md (generated from ``RuleKeys``).
///
/// Evaluation order: `when` (false makes the value absent); the source gives a value or nothing
/// (absent); a null is handled as `null` says; a present value is split (`split`), converted (`convert`, `map`),
/// checked (`type`, `nonEmpty`, `maxLength`), converted (`time`) and cleaned (`dropNulls`, `scalarMembers`); if
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
        case fields([Field])
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
        /// The one key (or the value under it) of the object at a path.
        case sole(Path, key: Bool)
    }

    /// One member of an object a rule builds: its key and the rule for its value. (A class, so
    /// that walking a mapping's fields costs a reference count per field, not a copy of the rule.)
    public final class Field: Sendable {
        public let key: String
        public let rule: Rule

        public init(key: String, rule: Rule) {
            self.key = key
            self.rule = rule
        }
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

    public var source: Source {
        get { box.settings.source }
        set { modify { $0.source = newValue } }
    }

    public var when: Condition? {
        get { box.settings.when }
        set { modify { $0.when = newValue } }
    }

    public var null: NullHandling {
        get { box.settings.null }
        set { modify { $0.null = newValue } }
    }

    public var convert: Conversion? {
        get { box.settings.convert }
        set { modify { $0.convert = newValue } }
    }

    public var valueMap: ValueMap? {
        get { box.settings.valueMap }
        set { modify { $0.valueMap = newValue } }
    }

    public var type: ValueType? {
        get { box.settings.type }
        set { modify { $0.type = newValue } }
    }

    public var nonEmpty: Bool {
        get { box.settings.nonEmpty }
        set { modify { $0.nonEmpty = newValue } }
    }

    public var maxLength: Int? {
        get { box.settings.maxLength }
        set { modify { $0.maxLength = newValue } }
    }

    public var time: TimeConversion? {
        get { box.settings.time }
        set { modify { $0.time = newValue } }
    }

    public var dropNulls: Bool {
        get { box.settings.dropNulls }
        set { modify { $0.dropNulls = newValue } }
    }

    public var split: String? {
        get { box.settings.split }
        set { modify { $0.split = newValue } }
    }

    public var scalarMembers: Bool {
        get { box.settings.scalarMembers }
        set { modify { $0.scalarMembers = newValue } }
    }

    public var required: Bool {
        get { box.settings.required }
        set { modify { $0.required = newValue } }
    }

    public var `default`: Rule? {
        get { box.settings.`default` }
        set { modify { $0.`default` = newValue } }
    }

    /// What the rule does.
    private struct Settings: Sendable {
        var source: Source
        var when: Condition?
        var null: NullHandling = .error
        var convert: Conversion?
        var valueMap: ValueMap?
        var type: ValueType?
        var nonEmpty: Bool = false
        var maxLength: Int?
        var time: TimeConversion?
        var dropNulls: Bool = false
        var scalarMembers: Bool = false
        var split: String?
        var required: Bool = false
        var `default`: Rule?
    }

    /// The settings, shared by copies of the rule until one of them changes (copy on write), so
    /// that handing a rule around while mapping costs one reference count.
    private var box: Box

    public init(source: Source) { box = Box(Settings(source: source)) }

    private mutating func modify(_ change: (inout Settings) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.settings) }
        change(&box.settings)
    }

    /// Changed only through `modify` on an unshared instance, so sharing it between threads is
    /// safe.
    private final class Box: @unchecked Sendable {
        var settings: Settings
        init(_ settings: Settings) { self.settings = settings }
    }
}
