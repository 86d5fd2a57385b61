import Foundation
import SwitchboardCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The policy lands on the threads the process has and on those it starts later. (It changes this
/// test process's threads for a moment; nothing here or elsewhere depends on their scheduling.)
@Suite(.serialized) struct CPUSchedulingTests {
    /// Each thread's policy, from the kernel (a thread that ended meanwhile is left out).
    private func policies() -> [pid_t: Int32] {
        Dictionary(uniqueKeysWithValues: (CPUScheduling.threadIds() ?? []).map { ($0, sched_getscheduler($0)) }.filter { $0.1 >= 0 })
    }

    /// The policy of a thread started now.
    private func policyOfNewThread() async -> Int32 {
        await withCheckedContinuation { continuation in
            startThread(named: "sb-test-policy") { continuation.resume(returning: sched_getscheduler(0)) }
        }
    }

    @Test func batchReachesEveryThreadAndThoseStartedLater() async {
        let before = policies()
        defer {
            // Each thread goes back to what it had; one started meanwhile to the default.
            var parameters = sched_param(sched_priority: 0)
            for id in CPUScheduling.threadIds() ?? [] { _ = sched_setscheduler(id, before[id] ?? SCHED_OTHER, &parameters) }
        }
        #expect(CPUScheduling.inherited.apply())
        // Every thread that was there keeps its policy.
        #expect(policies().allSatisfy { id, policy in before[id].map { $0 == policy } ?? true })

        #expect(CPUScheduling.batch.apply())
        #expect(!policies().isEmpty)
        #expect(policies().values.allSatisfy { $0 == CPUScheduling.batchPolicy })
        #expect(await policyOfNewThread() == CPUScheduling.batchPolicy)
    }
}
