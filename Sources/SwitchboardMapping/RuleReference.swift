import SwitchboardCore

/// `docs/RULES.md`, generated from the ``RuleKeys`` registry.
public enum RuleReference {
    public static var markdown: String {
        var out = """
            # Rule reference

            Generated from the rule registry (`Sources/SwitchboardMapping/RuleKeys/`) by
            `switchboard reference --write`; a test fails when this file and the registry differ.
            Every example below runs as a test. In the examples the rule reads `event`, and the
            result is the value, `absent` (the output leaves the field out) or the error.

            A rule has exactly one **source** and any **modifiers**. Modifiers apply in this order:
            `when` → source → `null` → `split` → `convert` → `map` → `type` → `nonEmpty` → `maxLength` →
            `time` → `dropNulls` → `scalarMembers` → (still absent?) `default` → `required`.

            """
        for role in [RuleKey.Role.source, .modifier] {
            out += "\n## \(role == .source ? "Sources" : "Modifiers")\n"
            for key in RuleKeys.all where key.role == role {
                out += "\n### `\(key.name)`\n\n\(key.summary)\n\n"
                out += "| rule | event | result |\n| --- | --- | --- |\n"
                for example in key.examples {
                    out += "| `\(escape(example.rule))` | `\(escape(example.event))` | `\(escape(example.result))` |\n"
                }
            }
        }
        return out
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
