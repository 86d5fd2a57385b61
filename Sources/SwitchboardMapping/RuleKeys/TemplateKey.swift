import SwitchboardCore

/// `template`: text with values filled in.
enum TemplateKey {
    static let key = RuleKey(
        name: "template", role: .source,
        summary: "Text with `{path}` placeholders filled in (`{{` and `}}` for literal braces). Absent when a placeholder's path is absent.",
        schema: ["type": "string"],
        examples: [
            RuleKeyExample(#"{"template": "{event.first} {event.last}"}"#, #"{"first": "Ada", "last": "Lovelace"}"#, #""Ada Lovelace""#),
            RuleKeyExample(#"{"template": "order-{event.id}"}"#, #"{"id": 42}"#, #""order-42""#),
            RuleKeyExample(#"{"template": "{event.first} {event.last}"}"#, #"{"first": "Ada"}"#, "absent"),
        ],
        compile: { value, pointer, compiler, rule in
            guard let text = compiler.string(value, at: pointer) else { return }
            do {
                let template = try Template(parsing: text)
                for path in template.paths { compiler.checkRoot(path, at: pointer) }
                rule.source = .template(template)
            } catch {
                compiler.problem(at: pointer, (error as? TemplateSyntaxError)?.message ?? "not a template")
            }
        })
}
