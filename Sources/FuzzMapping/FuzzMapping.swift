// libFuzzer target for the mapping evaluator and the rule compiler; see fuzz/README.md.
// Reads the mappings from $SWITCHBOARD_MAPPINGS (default ./mappings).
import Foundation
import SwitchboardFuzzing
import SwitchboardMapping

nonisolated(unsafe) let mappings = try! MappingSet.load(
    directory: ProcessInfo.processInfo.environment["SWITCHBOARD_MAPPINGS"] ?? "mappings")

public func fuzzMapping(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzEntryPoints.evaluator(bytes, mappings: mappings)
    FuzzEntryPoints.ruleCompiler(bytes)
    return 0
}

import Foundation

/// With libFuzzer (built with -sanitize=fuzzer -D FUZZING): hands over to libFuzzer's driver.
/// Without it: runs the entry point over the files given, e.g. to replay a saved crash.
@main struct FuzzMain {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzMapping(data ?? UnsafePointer(bitPattern: 1)!, size) })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            _ = bytes.withUnsafeBufferPointer { fuzzMapping($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            print("ok \(path)")
        }
        #endif
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif
