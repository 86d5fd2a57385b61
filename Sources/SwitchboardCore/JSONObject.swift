/// A JSON object that keeps its members in the order they were written.
///
/// Objects on the data path are small, so lookup is a linear scan; keys are unique (the parser
/// rejects duplicates, and `set` replaces).
///
/// An object the parser found below the top level of a document starts out as its checked text:
/// reading a key scans that text, `members` builds the members when asked, and ``JSONWriter``
/// copies the text as it is when it is already compact. Changing the object builds it first.
public struct JSONObject: Sendable, Equatable {
    /// A key and its value. (A struct rather than a tuple: arrays of tuples are copied and
    /// destroyed through slow generic runtime code.)
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    private enum Storage: Sendable {
        case members([Member])
        case text(Text)
    }

    /// The checked text of an object inside a parsed document.
    final class Text: Sendable {
        /// The whole document the object came from.
        let source: [UInt8]
        /// Where the object is in it, braces included.
        let range: Range<Int>
        /// True when the text has no whitespace between tokens and no escapes, so it is exactly
        /// what ``JSONWriter`` would write for it.
        let isCompact: Bool

        init(source: [UInt8], range: Range<Int>, isCompact: Bool) {
            self.source = source
            self.range = range
            self.isCompact = isCompact
        }
    }

    private var storage: Storage

    public init() { storage = .members([]) }

    /// An empty object with room for `capacity` members before it grows.
    public init(reservingCapacity capacity: Int) {
        var members: [Member] = []
        members.reserveCapacity(capacity)
        storage = .members(members)
    }

    /// Builds an object from members whose keys are already unique.
    public init(_ members: [Member]) { storage = .members(members) }

    /// Builds an object from key-value pairs whose keys are already unique.
    public init(_ pairs: [(key: String, value: JSONValue)]) {
        storage = .members(pairs.map { Member(key: $0.key, value: $0.value) })
    }

    init(text: Text) { storage = .text(text) }

    /// The members, in order.
    public var members: [Member] {
        switch storage {
        case .members(let members): members
        case .text(let text): JSONParser.members(of: text)
        }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool {
        switch storage {
        case .members(let members): members.isEmpty
        case .text(let text): JSONParser.isEmptyObject(text)
        }
    }
    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        switch storage {
        case .members(let members):
            for member in members where member.key == key { return member.value }
            return nil
        case .text(let text):
            return JSONParser.value(forKey: key, in: text)
        }
    }

    /// Sets `key` to `value`, keeping the key's place if it was there already.
    public mutating func set(_ key: String, _ value: JSONValue) {
        modifyMembers { members in
            if let index = members.firstIndex(where: { $0.key == key }) {
                members[index].value = value
            } else {
                members.append(Member(key: key, value: value))
            }
        }
    }

    /// Appends a member whose key the caller knows is new.
    public mutating func append(_ key: String, _ value: JSONValue) {
        modifyMembers { $0.append(Member(key: key, value: value)) }
    }

    @discardableResult
    public mutating func remove(_ key: String) -> JSONValue? {
        modifyMembers { members in
            guard let index = members.firstIndex(where: { $0.key == key }) else { return nil }
            return members.remove(at: index).value
        }
    }

    /// Runs `body` on the members, built if the object was text, without copying the array.
    @inline(__always)
    private mutating func modifyMembers<R>(_ body: (inout [Member]) -> R) -> R {
        var members: [Member]
        switch storage {
        case .members(let built): members = built
        case .text(let text): members = JSONParser.members(of: text)
        }
        storage = .members([])  // lets `members` be the array's only owner
        defer { storage = .members(members) }
        return body(&members)
    }

    /// Runs `body` on the object's text when it is exactly what the writer would write.
    func withCompactText<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard case .text(let text) = storage, text.isCompact else { return nil }
        return text.source.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[text.range])) }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        if case .text(let a) = lhs.storage, case .text(let b) = rhs.storage, a.isCompact, b.isCompact,
            a.source[a.range].elementsEqual(b.source[b.range])
        {
            return true
        }
        let left = lhs.members
        let right = rhs.members
        return left == right
    }
}
