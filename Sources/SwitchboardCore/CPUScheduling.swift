import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How the kernel schedules the gateway's threads against each other.
///
/// Forward mode hands every request from the event loop to the journal's thread, then to the
/// curl thread, and back. Under the kernel's default policy a woken thread may preempt the
/// running one at once. With `batch` (Linux `SCHED_BATCH`) it waits until the running thread
/// blocks or its slice ends, and then takes everything that piled up in one go.
public enum CPUScheduling: String, Sendable, CaseIterable {
    /// Left as the process was started: the kernel's default, or what `chrt` set.
    case inherited = "default"
    /// `SCHED_BATCH`: no preemption on wake-up.
    case batch

    /// Applies the policy to every thread the process has now; threads started later inherit it
    /// from the thread that starts them. Returns false where the system refused it (or has no
    /// such policy); the threads then keep the policy they had.
    @discardableResult
    public func apply() -> Bool {
        guard self == .batch else { return true }
        #if os(Linux)
        guard let ids = Self.threadIds() else { return false }
        var parameters = sched_param(sched_priority: 0)
        var applied = true
        for id in ids where sched_setscheduler(id, Self.batchPolicy, &parameters) != 0 { applied = false }
        return applied
        #else
        return false
        #endif
    }

    /// The kernel's ids of the process's threads (`/proc/self/task`), nil where it cannot be read.
    public static func threadIds() -> [pid_t]? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.compactMap { pid_t($0) }
    }

    /// Linux's `SCHED_BATCH`: <sched.h> defines it only for `_GNU_SOURCE`, which Swift's Glibc
    /// module does not set.
    public static let batchPolicy: Int32 = 3
}
