#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with POSIX calls: a read that a signal interrupts is retried (a test
/// process starts and reaps gateways all the time), and a failure says why.
public enum FileContents {
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        /// The system's reason, e.g. "No such file or directory".
        public let description: String
    }

    /// The bytes of the file at `path`.
    public static func bytes(atPath path: String) throws(ReadError) -> [UInt8] {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk[..<count]
            } else if count == 0 {
                return bytes
            } else if errno != EINTR {
                throw ReadError(description: String(cString: strerror(errno)))
            }
        }
    }
}
