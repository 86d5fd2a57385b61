import Foundation
import SwitchboardCore
import SwitchboardFuzzing
import SwitchboardMapping
import Testing

/// A short, deterministic fuzzing run of every fuzzed entry point inside the tests: the seed
/// corpus (fuzz/corpus) and mutations of it from a fixed-seed generator. The long runs use
/// libFuzzer (fuzz/README.md).
@Suite struct FuzzTests {
    static let corpus: [[UInt8]] = {
        let folder = URL(fileURLWithPath: mappingsFolder).deletingLastPathComponent().appendingPathComponent("fuzz/corpus").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.sorted().compactMap { FileManager.default.contents(atPath: "\(folder)/\($0)").map { Array($0) } }
    }()

    /// xorshift64*: the same inputs on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let tokens: [[UInt8]] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d", "null", "true", "-0", "1e999",
                                    "12345678901234567890", "\"from\"", "\"const\"", "\"time\"", "\"each\"", "\"when\"", "\u{0}", "é"].map { Array($0.utf8) }

    static func mutations(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = Generator(state: seed)
        return (0..<count).map { _ in
            var input = corpus[generator.below(corpus.count)]
            for _ in 0...generator.below(4) {
                let at = generator.below(input.count + 1)
                switch generator.below(4) {
                case 0: if !input.isEmpty { input.remove(at: min(at, input.count - 1)) }
                case 1: input.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
                case 2: input.insert(contentsOf: tokens[generator.below(tokens.count)], at: at)
                default: if at < input.count { input[at] = UInt8(truncatingIfNeeded: generator.next()) }
                }
            }
            return input
        }
    }

    @Test func theSeedCorpusIsThere() {
        #expect(Self.corpus.count >= 10)
    }

    @Test func parser() {
        for input in Self.corpus + Self.mutations(count: 20_000, seed: 1) { FuzzEntryPoints.parser(input) }
    }

    @Test func compressedBodiesAndTokens() {
        for input in Self.corpus + Self.mutations(count: 5_000, seed: 3) {
            FuzzEntryPoints.inflate(input)
            FuzzEntryPoints.jwt(input)
        }
    }

    @Test func evaluatorAndRuleCompiler() throws {
        let mappings = try MappingSet.load(directory: mappingsFolder)
        for input in Self.corpus + Self.mutations(count: 10_000, seed: 2) {
            FuzzEntryPoints.evaluator(input, mappings: mappings)
            FuzzEntryPoints.ruleCompiler(input)
        }
    }
}
