// Runs one fault scenario against the `switchboard` executable and prints what it counted;
// exits 1 when the counting rule does not hold. See docs/DELIVERY.md.
//
//   FaultDriver SCENARIO SECONDS [USERS] [FAULT_EVERY_MIN-MAX]
//   FaultDriver kill 600 64 10-30
//   FaultDriver fleet-kill 60 32                      (3 instances on one PostgreSQL journal)
//   JOURNAL=postgres INSTANCES=2 FaultDriver none 20 64   (throughput: see accepted_per_second)
//   BATCH=10 RATE=5000 FaultDriver kill 600 256 10-30   (10 events per request, 5,000 events/s)
import Foundation
import SwitchboardFaults

let arguments = CommandLine.arguments
guard arguments.count >= 3, let scenario = FaultScenario(rawValue: arguments[1]), let seconds = Int(arguments[2]) else {
    print("usage: FaultDriver \(FaultScenario.allCases.map(\.rawValue).joined(separator: "|")) SECONDS [USERS] [MIN-MAX seconds between faults]")
    exit(2)
}
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let root = ProcessInfo.processInfo.environment["SWITCHBOARD_ROOT"] ?? FileManager.default.currentDirectoryPath
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-faults-\(UUID().uuidString)").path
var options = FaultRun.Options(
    switchboard: "\(binDirectory)/switchboard", mappings: "\(root)/mappings", directory: directory,
    scenario: scenario, duration: .seconds(seconds))
if arguments.count > 3, let users = Int(arguments[3]) { options.users = users }
if arguments.count > 4 {
    let bounds = arguments[4].split(separator: "-").compactMap { Double($0) }
    if bounds.count == 2, bounds[0] <= bounds[1] { options.faultEvery = bounds[0]...bounds[1] }
}
// INSTANCES=N (3 for fleet-kill) gateways; JOURNAL=postgres (implied by several instances) puts
// them on the PostgreSQL server at $SWITCHBOARD_TEST_POSTGRES, in a schema of the run's own.
let environment = ProcessInfo.processInfo.environment
// BATCH=N events per request (to Flameup's batch endpoint); RATE=N events per second in all.
if let batch = environment["BATCH"].flatMap(Int.init), batch > 0 { options.batchSize = batch }
options.eventsPerSecond = environment["RATE"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
options.instances = environment["INSTANCES"].flatMap(Int.init) ?? (scenario == .fleetKill ? 3 : 1)
if options.instances > 1 || environment["JOURNAL"] == "postgres" {
    guard let url = environment["SWITCHBOARD_TEST_POSTGRES"] else {
        print("a PostgreSQL journal needs a server: eval \"$(.ci/postgres.sh start)\"")
        exit(2)
    }
    options.journalURL = url + "?schema=faults_\(UUID().uuidString.prefix(8).lowercased())"
    options.journalPassword = environment["SWITCHBOARD_TEST_POSTGRES_PASSWORD"]
}
let report = try await FaultRun(options).run()
print(report)
print("files: \(directory)")
exit(report.holds ? 0 : 1)
