import SwitchboardCore
import SwitchboardMapping

/// The fuzzed entry points. Each takes arbitrary bytes, must never crash, and checks the
/// properties that must hold for every input; a broken property stops the process with a message
/// (which libFuzzer reports with the input that caused it).
public enum FuzzEntryPoints {
    /// The parser: it accepts and refuses exactly what the eager parser does (with the same
    /// reason and place), to the same value and bytes; anything it accepts must write back to text
    /// that parses to the same value, and writing that again gives the same bytes.
    public static func parser(_ bytes: [UInt8]) {
        let lazy = Result { try JSONParser.parse(bytes) }
        let eager = Result { try JSONParser.parseEagerly(bytes) }
        switch (lazy, eager) {
        case (.success(let a), .success(let b)):
            guard a == b, JSONWriter.bytes(a) == JSONWriter.bytes(b) else {
                fatalError("the parser and the eager parser read different values")
            }
            readEveryObject(a)
        case (.failure(let a as JSONParseError), .failure(let b as JSONParseError)):
            guard a.reason == b.reason, a.offset == b.offset else {
                fatalError("the parser and the eager parser refuse for different reasons: \(a) / \(b)")
            }
        default:
            fatalError("the parser and the eager parser disagree on whether the input is JSON")
        }
        guard let value = try? lazy.get() else { return }
        let written = JSONWriter.bytes(value)
        guard let again = try? JSONParser.parse(written) else {
            fatalError("the writer produced text the parser refuses")
        }
        guard again == value, JSONWriter.bytes(again) == written else {
            fatalError("parse → write → parse changed the value")
        }
        _ = JSONWriter.pretty(value)
    }

    /// Reads every key of every object by lookup, as mappings do, and checks it against the
    /// object's members.
    private static func readEveryObject(_ value: JSONValue) {
        switch value {
        case .object(let object):
            for member in object.members {
                guard object[member.key] == member.value else { fatalError("a key reads differently from its member") }
                readEveryObject(member.value)
            }
            guard object.isEmpty == object.members.isEmpty else { fatalError("isEmpty disagrees with the members") }
        case .array(let items):
            items.forEach(readEveryObject)
        default:
            break
        }
    }

    /// The mapping evaluator: the user.com → Flameup route over an arbitrary body either maps
    /// or fails with a field error; what it maps serializes to valid JSON.
    public static func evaluator(_ bytes: [UInt8], mappings: MappingSet) {
        guard let body = try? JSONParser.parse(bytes),
            let decode = mappings.provider("usercom")?.receive.first(where: { $0.name == "track" })?.decode,
            let encode = mappings.provider("flameup")?.send?.endpoint("track")?.encode
        else { return }
        let clock = FixedClock(Instant(seconds: 1_735_120_800))
        let context = EvaluationContext(clock: clock, [("body", body), ("path", ["user_id": "u1"]), ("query", [:])])
        guard let event = try? decode.apply(context) else { return }
        let encodeContext = EvaluationContext(clock: clock, [("event", .object(event)), ("settings", ["workspaceId": "w"])])
        guard let output = try? encode.apply(encodeContext) else { return }
        guard (try? JSONParser.parse(JSONWriter.bytes(.object(output)))) != nil else {
            fatalError("a mapped body does not serialize to valid JSON")
        }
    }

    /// The rule compiler: any JSON as a rule either compiles or is reported; a compiled rule
    /// evaluates over a fixed event without crashing.
    public static func ruleCompiler(_ bytes: [UInt8]) {
        guard let json = try? JSONParser.parse(bytes) else { return }
        let event: JSONValue = ["userId": "u1", "items": [["id": "a"], 1, nil], "n": 5, "t": "2024-12-25T10:00:00Z"]
        _ = RuleKeys.check(json, event: event)
    }
}
