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
        get { settings.source }
        set { update { $0.source = newValue } }
    }

    public var when: Condition? {
        get { settings.when }
        set { update { $0.when = newValue } }
    }

    public var null: NullHandling {
        get { settings.null }
        set { update { $0.null = newValue } }
    }

    public var convert: Conversion? {
        get { settings.convert }
        set { update { $0.convert = newValue } }
    }

    public var valueMap: ValueMap? {
        get { settings.valueMap }
        set { update { $0.valueMap = newValue } }
    }

    public var type: ValueType? {
        get { settings.type }
        set { update { $0.type = newValue } }
    }

    public var nonEmpty: Bool {
        get { settings.nonEmpty }
        set { update { $0.nonEmpty = newValue } }
    }

    public var maxLength: Int? {
        get { settings.maxLength }
        set { update { $0.maxLength = newValue } }
    }

    public var time: TimeConversion? {
        get { settings.time }
        set { update { $0.time = newValue } }
    }

    public var dropNulls: Bool {
        get { settings.dropNulls }
        set { update { $0.dropNulls = newValue } }
    }

    public var required: Bool {
        get { settings.required }
        set { update { $0.required = newValue } }
    }

    public var `default`: Rule? {
        get { settings.defaultRule }
        set { update { $0.defaultRule = newValue } }
    }

    /// What the rule does, shared by copies of the rule until one of them changes (copy on
    /// write), so that handing a rule around while mapping costs one reference count.
    private var settings: Settings

    public init(source: Source) { settings = Settings(source: source) }

    private mutating func update(_ change: (Settings) -> Void) {
        if !isKnownUniquelyReferenced(&settings) { settings = settings.copy() }
        change(settings)
    }

    /// Changed only through `update` on an unshared instance, so sharing it between
    /// threads is safe.
    private final class Settings: @unchecked Sendable {
        var source: Source
        var when: Condition? = nil
        var null: NullHandling = .error
        var convert: Conversion? = nil
        var valueMap: ValueMap? = nil
        var type: ValueType? = nil
        var nonEmpty: Bool = false
        var maxLength: Int? = nil
        var time: TimeConversion? = nil
        var dropNulls: Bool = false
        var required: Bool = false
        var defaultRule: Rule? = nil

        init(source: Source) { self.source = source }

        func copy() -> Settings {
            let copy = Settings(source: source)
            copy.when = when
            copy.null = null
            copy.convert = convert
            copy.valueMap = valueMap
            copy.type = type
            copy.nonEmpty = nonEmpty
            copy.maxLength = maxLength
            copy.time = time
            copy.dropNulls = dropNulls
            copy.required = required
            copy.defaultRule = defaultRule
            return copy
        }
    }
}

