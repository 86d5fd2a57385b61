import Foundation
import SwitchboardCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The policy lands on the threads the process has and on those it starts later. (It changes this
/// test process's threads for a moment; nothing here or elsewhere depends on their scheduling.)
@Suite(.serialized) struct CPUSchedulingTests {
    private var threadIds: [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { pid_t($0) }
    }

    /// Each thread's policy, from the kernel (a thread that ended meanwhile is left out).
    private func policies() -> [Int32] { threadIds.map { sched_getscheduler($0) }.filter { $0 >= 0 } }

    /// The policy of a thread started now.
    private func policyOfNewThread() async -> Int32 {
        await withCheckedContinuation { continuation in
            startThread(named: "sb-test-policy") { continuation.resume(returning: sched_getscheduler(0)) }
        }
    }

    @Test func batchReachesEveryThreadAndThoseStartedLater() async {
        let before = policies()
        defer {
            var parameters = sched_param(sched_priority: 0)
            for id in threadIds { _ = sched_setscheduler(id, SCHED_OTHER, &parameters) }
        }
        #expect(CPUScheduling.inherited.apply())
        #expect(policies() == before)

        #expect(CPUScheduling.batch.apply())
        #expect(!policies().isEmpty)
        #expect(policies().allSatisfy { $0 == CPUScheduling.batchPolicy })
        #expect(await policyOfNewThread() == CPUScheduling.batchPolicy)
    }
}
