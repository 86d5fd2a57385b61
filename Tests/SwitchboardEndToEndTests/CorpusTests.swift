import SwitchboardApp
import SwitchboardMapping
import Testing

/// The same corpus `switchboard test` runs: examples inside mapping files, and the fixtures.
@Suite struct CorpusTests {
    static let runner = CorpusRunner(mappings: try! MappingSet.load(directory: "\(repositoryRoot)/mappings"))

    @Test func everyMappingExamplePasses() {
        let results = Self.runner.runExamples()
        #expect(results.count >= 8)
        for result in results {
            #expect(result.failure == nil, "\(result.name)")
        }
    }

    @Test func everyFixtureTranslatesAsExpected() {
        let results = Self.runner.runFixtures(in: "\(repositoryRoot)/fixtures")
        #expect(results.count >= 12)
        for result in results {
            #expect(result.failure == nil, "\(result.name)")
        }
    }

    @Test func aWrongExpectationIsReported() throws {
        let set = try MappingSet.load(directory: "\(repositoryRoot)/mappings")
        let decode = try #require(set.provider("usercom")?.receive.first?.decode)
        let example = try #require(decode.examples.first { $0.error != nil })
        let lying = MappingExample(name: "x", pointer: "", input: example.input, output: nil, error: "something else", now: example.now)
        #expect(lying.failure(in: decode) == "expected the error \"something else\", got \"\(example.error!)\"")
    }
}
