import Foundation

/// The gateway as a separate process (`switchboard serve --config FILE`), so it can be killed.
final class GatewayProcess: @unchecked Sendable {
    let executable: String
    let configFile: String
    let environment: [String: String]
    let logFile: String
    private var process: Process?
    /// The signal the harness sent to stop the process, if it sent one.
    private var stopSignal: Int32?
    /// The current process's crash was counted.
    private var crashCounted = false

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
        stopSignal = nil
        crashCounted = false
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Sends `signal` (one that stops it) to the process.
    func send(_ signal: Int32) {
        guard let process, process.isRunning else { return }
        stopSignal = signal
        kill(process.processIdentifier, signal)
    }

    /// True, once per start, when the process has ended by itself: unsignalled, or killed by a
    /// signal other than the one it was sent.
    func takeCrash() -> Bool {
        guard let process, !process.isRunning, !crashCounted else { return false }
        let crashed = switch (stopSignal, process.terminationReason) {
        case (nil, _): true
        case (let sent?, .uncaughtSignal): process.terminationStatus != sent
        case (_, .exit): false
        @unknown default: true
        }
        crashCounted = crashed
        return crashed
    }

    /// How many crash reports the Swift runtime wrote into the log (each begins with a
    /// `*** Signal N: Backtracing` line), also from processes killed before they could finish one.
    func crashReports() -> Int {
        guard let log = try? String(contentsOfFile: logFile, encoding: .utf8) else { return 0 }
        return log.split(separator: "\n").filter { $0.hasPrefix("*** Signal ") }.count
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
