import Foundation
import SwitchboardCore
@testable import SwitchboardMapping
import Testing

@Suite struct RegistryTests {
    @Test(arguments: RuleKeys.all)
    func everyKeyIsDocumentedWithPassingExamples(_ key: RuleKey) {
        #expect(!key.summary.isEmpty)
        #expect(!key.examples.isEmpty, "\(key.name) has no example")
        for example in key.examples {
            #expect(RuleKeys.failure(of: example) == nil, "\(key.name): \(example.rule)")
        }
    }

    @Test func generatedFilesAreUpToDate() throws {
        let root = URL(fileURLWithPath: mappingsFolder).deletingLastPathComponent().path
        for (path, text) in GeneratedFiles.all {
            let committed = try String(contentsOfFile: "\(root)/\(path)", encoding: .utf8)
            #expect(committed == text, "\(path) is out of date: run switchboard reference --write")
        }
    }

    @Test func everyShippedFileValidatesAgainstThePublishedSchema() throws {
        let fm = FileManager.default
        let mapping = SchemaValidator(root: try JSONParser.parse(Array(fm.contents(atPath: "\(mappingsFolder)/schema/mapping.schema.json")!)))
        let provider = SchemaValidator(root: try JSONParser.parse(Array(fm.contents(atPath: "\(mappingsFolder)/schema/provider.schema.json")!)))
        var checked = 0
        for file in fm.enumerator(atPath: mappingsFolder)!.compactMap({ $0 as? String }) where file.hasSuffix(".json") && !file.hasPrefix("schema/") {
            let value = try JSONParser.parse(Array(fm.contents(atPath: "\(mappingsFolder)/\(file)")!))
            let validator = file.hasPrefix("providers/") ? provider : mapping
            #expect(validator.errors(value) == [], "\(file)")
            checked += 1
        }
        #expect(checked >= 4)
    }

    @Test func theSchemaRejectsWhatTheLoaderRejects() throws {
        let schema = SchemaValidator(root: JSONValue.object(MappingSchema.mapping.objectValue!))
        let bad = try JSONParser.parse(#"{"kind": "decode", "provider": "p", "endpoint": "e", "fields": {"a": {"form": "body.x"}, "b": {"from": "body.x", "const": 1}}}"#)
        let errors = schema.errors(bad)
        #expect(errors.contains("/fields/a/form: not allowed"))
        #expect(errors.contains("/fields/b: matches 2 of oneOf, not exactly 1"))
    }
}

extension RuleKey: CustomTestStringConvertible {
    /// The key's name, so test output names the case instead of printing the whole key.
    public var testDescription: String { name }
}
