import Foundation

/// The gateway as a separate process (`switchboard serve --config FILE`), so it can be killed.
final class GatewayProcess: @unchecked Sendable {
    let executable: String
    let configFile: String
    let environment: [String: String]
    let logFile: String
    private var process: Process?

    init(executable: String, configFile: String, environment: [String: String], logFile: String) {
        self.executable = executable
        self.configFile = configFile
        self.environment = environment
        self.logFile = logFile
    }

    /// Starts the process (its output is appended to `logFile`).
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--config", configFile]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if !FileManager.default.fileExists(atPath: logFile) { _ = FileManager.default.createFile(atPath: logFile, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
    }

    /// Waits up to `timeout` for the process to exit; returns its exit status, or nil if it did not.
    func waitForExit(timeout: Duration) async -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the process (SIGKILL) and reaps it.
    func killHard() async {
        send(SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
    }
}
