import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a thread that runs `body` under `name`, as the operating system shows it (`top -H`,
/// `perf`, `/proc/<pid>/task/*/comm`). Foundation's `Thread.name`, set before `start()`, races
/// with the thread's start and did not reach the OS; the thread names itself first instead.
public func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread {
        nameCurrentThread(name)
        body()
    }
    thread.start()
}

/// Names the calling thread for the operating system. Linux keeps 15 bytes.
func nameCurrentThread(_ name: String) {
    #if os(Linux)
    let fd = open("/proc/thread-self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    #endif
}
