import SwitchboardCore

/// `scalarMembers`: an object whose members must be scalars, for vendors that refuse nested values.
enum ScalarMembersKey {
    static let key = RuleKey(
        name: "scalarMembers", role: .modifier,
        summary: "For vendors whose attributes must be scalars (Gainsight PX): `\"stringify\"` replaces each member of the object that is an object or array by its compact JSON text, keeping every other member as it is.",
        schema: ["enum": ["stringify"]],
        examples: [RuleKeyExample(#"{"from": "event.p", "scalarMembers": "stringify"}"#, #"{"p": {"plan": "pro", "cart": {"n": 2}, "tags": ["a"]}}"#,
                                  #"{"plan":"pro","cart":"{\"n\":2}","tags":"[\"a\"]"}"#)],
        compile: { value, pointer, compiler, rule in
            guard value == .string("stringify") else { return compiler.problem(at: pointer, "must be \"stringify\"") }
            rule.scalarMembers = true
        })

    /// `value` with nested members as JSON text; anything but an object is returned as it is.
    static func apply(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        return .object(JSONObject(object.members.map { member in
            switch member.value {
            case .object, .array: (key: member.key, value: .string(JSONWriter.string(member.value)))
            default: (key: member.key, value: member.value)
            }
        }))
    }
}
