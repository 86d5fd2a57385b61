import Foundation

/// Runs the built `switchboard` executable and returns what it printed.
enum SwitchboardCLI {
    static var executable: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products.appendingPathComponent("switchboard").path,
                          products.deletingLastPathComponent().appendingPathComponent("switchboard").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs it with `arguments`, and `environment` added to this process's.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let (process, pipe) = try start(arguments, environment: environment)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts it with `arguments` and `environment` added to this process's; its output and
    /// errors go to the pipe.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }
}
