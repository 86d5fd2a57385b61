import SwitchboardCore

/// The files generated from the rule registry, by path from the repository root.
public enum GeneratedFiles {
    public static var all: [(path: String, text: String)] {
        [
            ("mappings/schema/mapping.schema.json", JSONWriter.pretty(MappingSchema.mapping)),
            ("mappings/schema/provider.schema.json", JSONWriter.pretty(MappingSchema.provider)),
            ("docs/RULES.md", RuleReference.markdown),
        ]
    }
}
