import Foundation

/// A backfill's progress: a bar redrawn in place on a terminal (done/total, rate, ETA), plain
/// lines every few seconds otherwise.
public final class BackfillProgress: @unchecked Sendable {
    private let terminal: Bool
    private let write: @Sendable (String) -> Void
    private let started = Date()
    private var startDone: Int?
    private var lastLine = Date.distantPast
    private var last: (done: Int, total: Int) = (0, 0)

    /// - Parameter terminal: draw a bar (standard output is a terminal) or print lines.
    public init(terminal: Bool = isatty(STDOUT_FILENO) == 1, write: @escaping @Sendable (String) -> Void) {
        self.terminal = terminal
        self.write = write
    }

    public func note(_ text: String) {
        write((terminal ? "\r\u{1B}[K" : "") + text + "\n")
    }

    public func update(done: Int, total: Int) {
        last = (done, total)
        let base = startDone ?? done
        startDone = base
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0.5 ? Double(done - base) / elapsed : 0
        let eta = rate > 0 ? Self.duration(Double(total - done) / rate) : "–"
        let line = "\(done)/\(total) events  \(String(format: "%.0f", rate))/s  ETA \(eta)"
        if terminal {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            write("\r\u{1B}[K[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + line)
        } else if Date().timeIntervalSince(lastLine) >= 2 {
            lastLine = Date()
            write("backfill: " + line + "\n")
        }
    }

    public func finish() {
        let elapsed = Date().timeIntervalSince(started)
        write((terminal ? "\r\u{1B}[K" : "") + "backfill: \(last.done)/\(last.total) events in \(Self.duration(elapsed))\n")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
