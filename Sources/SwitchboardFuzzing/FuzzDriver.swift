import Foundation

/// The `main` of a fuzz target. Built with libFuzzer (`-sanitize=fuzzer -D FUZZING`) it hands over
/// to libFuzzer's driver; otherwise it runs the entry point over the files named on the command
/// line, e.g. to replay a saved crash.
public enum FuzzDriver {
    public typealias EntryPoint = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func main(_ entry: EntryPoint) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, entry))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            _ = [UInt8](data).withUnsafeBufferPointer { entry($0.baseAddress, $0.count) }
            print("ok \(path)")
        }
        exit(0)
        #endif
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzDriver.EntryPoint
) -> CInt
#endif
