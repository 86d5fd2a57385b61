import SwitchboardCore
import SwitchboardJournal

/// The text of `switchboard failures list`: one line per pending or dead delivery, with no
/// payloads and no secrets.
public enum FailuresReport {
    public static func render(_ records: [DeliveryRecord]) -> String {
        guard !records.isEmpty else { return "No pending or dead-lettered deliveries.\n" }
        var lines = ["DELIVERY  EVENT  STATE    ATTEMPTS  TARGET        ROUTE                 EVENT NAME            NEXT ATTEMPT          LAST STATUS  REASON"]
        for r in records {
            let next = r.state == .pending ? (r.nextAttemptAt?.rfc3339() ?? "-") : "-"
            lines.append([
                pad(String(r.deliveryId), 8), pad(String(r.eventId), 5), pad(r.state.rawValue, 7), pad(String(r.attempts), 8),
                pad(r.target, 12), pad(r.route, 20), pad(r.eventName ?? "-", 20), pad(next, 20),
                pad(r.lastStatus.map(String.init) ?? "-", 11), r.lastError ?? "-",
            ].joined(separator: "  "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every recorded fact about one delivery, a line each.
    public static func detail(_ r: DeliveryRecord) -> String {
        [
            ("delivery", String(r.deliveryId)), ("event", String(r.eventId)), ("route", r.route), ("target", r.target),
            ("event name", r.eventName ?? "-"), ("user id", r.userId ?? "-"), ("received", r.receivedAt.rfc3339(precision: .milliseconds)),
            ("state", r.state.rawValue), ("attempts", String(r.attempts)),
            ("next attempt", r.state == .pending ? (r.nextAttemptAt?.rfc3339(precision: .milliseconds) ?? "-") : "-"),
            ("last status", r.lastStatus.map(String.init) ?? "-"), ("last error", r.lastError ?? "-"),
            ("updated", r.updatedAt.rfc3339(precision: .milliseconds)),
            ("vendor said", r.excerpt ?? "-"),
        ].map { "\(pad($0.0 + ":", 14)) \($0.1)" }.joined(separator: "\n") + "\n" + history(r.history)
    }

    /// The failed attempts, a line each.
    static func history(_ attempts: [AttemptRecord]) -> String {
        guard !attempts.isEmpty else { return "" }
        return "failed attempts:\n" + attempts.map { attempt in
            "  \(attempt.at.rfc3339(precision: .milliseconds))  \(attempt.status.map { "HTTP \($0)" } ?? "no answer")  \(attempt.error ?? "-")"
        }.joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
