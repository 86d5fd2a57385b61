// libFuzzer target for the mapping evaluator and the rule compiler; see fuzz/README.md.
// Reads the mappings from $SWITCHBOARD_MAPPINGS (default ./mappings).
import Foundation
import SwitchboardFuzzing
import SwitchboardMapping

let mappings = try! MappingSet.load(
    directory: ProcessInfo.processInfo.environment["SWITCHBOARD_MAPPINGS"] ?? "mappings")

@main struct FuzzMapping {
    static func main() {
        FuzzDriver.main { data, size in
            let bytes = Array(UnsafeBufferPointer(start: data, count: size))
            FuzzEntryPoints.evaluator(bytes, mappings: mappings)
            FuzzEntryPoints.ruleCompiler(bytes)
            return 0
        }
    }
}
