import Foundation
import SwitchboardFaults
import Testing

/// Short versions of the fault scenarios (docs/DELIVERY.md has the long ones): a real gateway
/// process under load while it is killed, stopped, or its vendor goes down; afterwards every
/// accepted event must be delivered, each user's events in order, and duplicates only where an
/// attempt was in flight at a crash.
@Suite(.serialized) struct FaultTests {
    func run(_ scenario: FaultScenario, seconds: Int, faultEvery: ClosedRange<Double>, faults: Int = 0,
             configure: (inout FaultRun.Options) -> Void = { _ in }) async throws -> FaultReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-faults-\(UUID().uuidString)").path
        var options = FaultRun.Options(
            switchboard: SwitchboardCLI.executable, mappings: "\(repositoryRoot)/mappings", directory: directory,
            scenario: scenario, duration: .seconds(seconds))
        options.users = 8
        options.faultEvery = faultEvery
        options.minimumFaults = faults
        configure(&options)
        let report = try await FaultRun(options).run()
        if report.holds { try? FileManager.default.removeItem(atPath: directory) }
        return report
    }

    @Test func killedRepeatedlyUnderLoadLosesNothing() async throws {
        let report = try await run(.kill, seconds: 12, faultEvery: 2...3, faults: 3)
        #expect(report.faults >= 3)
        #expect(report.accepted > 0)
        #expect(report.crashes == 0, "\(report)")
        #expect(report.lost == 0, "\(report)")
        #expect(report.inversions == 0, "\(report)")
        #expect(report.duplicates <= report.allowedDuplicates, "\(report)")
        #expect(report.pending == 0 && report.dead == 0, "\(report)")
    }

    /// Each request a batch of a user's events, paced: a batch answered 200 is journaled whole,
    /// and a user's line many events deep drains in order across the kills.
    @Test func killedRepeatedlyUnderBatchedLoadLosesNothing() async throws {
        let report = try await run(.kill, seconds: 10, faultEvery: 2...3, faults: 2) { options in
            options.batchSize = 5
            options.eventsPerSecond = 1_000
        }
        #expect(report.faults >= 2)
        #expect(report.accepted > 0 && report.accepted % 5 == 0, "whole batches: \(report)")
        #expect(report.crashes == 0, "\(report)")
        #expect(report.lost == 0, "\(report)")
        #expect(report.inversions == 0, "\(report)")
        #expect(report.duplicates <= report.allowedDuplicates, "\(report)")
        #expect(report.pending == 0 && report.dead == 0, "\(report)")
    }

    @Test func sigtermUnderLoadDrainsAndExitsCleanly() async throws {
        let report = try await run(.sigterm, seconds: 8, faultEvery: 2...3, faults: 2)
        #expect(report.faults >= 2)
        #expect(report.uncleanStops == 0, "\(report)")
        #expect(report.crashes == 0, "\(report)")
        #expect(report.lost == 0 && report.inversions == 0 && report.duplicates == 0, "\(report)")
        #expect(report.pending == 0 && report.dead == 0, "\(report)")
    }

    @Test func vendorDownThreeWaysThenBackLosesNothing() async throws {
        let report = try await run(.vendorDown, seconds: 14, faultEvery: 1...1.5, faults: 3)
        #expect(report.faults >= 3, "refused, 503s and timeouts each at least once")
        #expect(report.crashes == 0, "\(report)")
        #expect(report.lost == 0 && report.inversions == 0, "\(report)")
        #expect(report.duplicates <= report.allowedDuplicates, "\(report)")
        #expect(report.pending == 0 && report.dead == 0, "\(report)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"] != nil, "needs SWITCHBOARD_TEST_POSTGRES"))
    func threeInstancesOnOnePostgresJournalOneKilledLoseNothing() async throws {
        let environment = ProcessInfo.processInfo.environment
        let report = try await run(.fleetKill, seconds: 12, faultEvery: 1...1) { options in
            options.users = 12
            options.instances = 3
            options.journalURL = environment["SWITCHBOARD_TEST_POSTGRES"]! + "?schema=faults_\(UUID().uuidString.prefix(8).lowercased())"
            options.journalPassword = environment["SWITCHBOARD_TEST_POSTGRES_PASSWORD"]
        }
        #expect(report.faults == 1 && report.accepted > 0)
        #expect(report.crashes == 0, "\(report)")
        #expect(report.lost == 0 && report.inversions == 0, "\(report)")
        #expect(report.duplicates <= report.allowedDuplicates, "\(report)")
        #expect(report.pending == 0 && report.dead == 0, "\(report)")
    }
}
