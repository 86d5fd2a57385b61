/// The canonical event: the hub every vendor maps to and from, modelled on the common
/// track/identify spec. Decode mappings produce it; encode mappings read it as `event`.
public enum CanonicalEvent {
    /// Each field and the type of its value.
    public static let fields: [(name: String, type: String)] = [
        ("type", "string"),          // track, identify, …
        ("event", "string"),         // the event's name
        ("userId", "string"),
        ("anonymousId", "string"),
        ("email", "string"),
        ("timestamp", "string"),     // RFC 3339 in UTC: the exact instant
        ("properties", "object"),
        ("traits", "object"),
        ("context", "object"),       // ip, userAgent, url, referrer, sessionId, …
        ("messageId", "string"),     // the idempotency key
    ]

    public static var names: [String] { fields.map(\.name) }

    public static func type(of name: String) -> String? {
        fields.first { $0.name == name }?.type
    }
}
