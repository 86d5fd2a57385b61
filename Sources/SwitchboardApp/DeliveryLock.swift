import Foundation

/// An exclusive lock beside a journal (`<journal>.lock`) held by whichever process delivers from
/// it — the gateway, or a backfill run with no gateway — so that two never send the same
/// pending deliveries. The kernel releases it when the process ends, even by kill -9.
public final class DeliveryLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or returns nil when another process holds it.
    public static func take(journalPath: String) -> DeliveryLock? {
        let fd = open(journalPath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return DeliveryLock(descriptor: fd)
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
