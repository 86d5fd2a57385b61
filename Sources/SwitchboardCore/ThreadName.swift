#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread for the operating system, as `top -H`, `perf` and
/// `/proc/<pid>/task/*/comm` show it. (Foundation's `Thread.name` reaches the OS only when the
/// thread has been fully started, which its own first lines race with.) Linux keeps 15 bytes.
public func nameCurrentThread(_ name: String) {
    #if os(Linux)
    let fd = open("/proc/thread-self/comm", O_WRONLY)
    guard fd >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    #endif
}
