import SwitchboardCore
import SwitchboardJournal

/// `switchboard migrate report` as a table for people and as JSON for scripts.
public enum MigrationReportText {
    public static func table(_ report: RouteReport) -> String {
        let range = "\(report.since?.rfc3339() ?? "the start") – \(report.until?.rfc3339() ?? "now")"
        var lines = ["route \(report.route), \(range): \(report.events) events", ""]
        lines.append(row(["TARGET", "DELIVERED", "PENDING", "DEAD", "SKIPPED", "MISSING"]))
        for t in report.targets {
            lines.append(row([t.name, String(t.delivered), String(t.pending), String(t.dead), String(t.skipped), String(t.missing)]))
        }
        for t in report.targets where !t.reasons.isEmpty {
            lines.append("")
            lines.append("\(t.name), pending and dead by reason:")
            for r in t.reasons { lines.append("  \(String(r.count).leftPadded(6))  \(r.reason)") }
        }
        lines.append("")
        if report.differences.isEmpty {
            lines.append("No event was delivered to one target and dead-lettered on another.")
        }
        for d in report.differences {
            lines.append("\(d.count) delivered to \(d.deliveredTo) but dead on \(d.failedOn), e.g. events \(d.examples.map(String.init).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ report: RouteReport) -> String {
        let targets: [JSONValue] = report.targets.map { t in
            .object(JSONObject([
                (key: "name", value: .string(t.name)), (key: "delivered", value: .integer(Int64(t.delivered))),
                (key: "pending", value: .integer(Int64(t.pending))), (key: "dead", value: .integer(Int64(t.dead))),
                (key: "skipped", value: .integer(Int64(t.skipped))), (key: "missing", value: .integer(Int64(t.missing))),
                (key: "reasons", value: .array(t.reasons.map { ["reason": .string($0.reason), "count": .integer(Int64($0.count))] })),
            ]))
        }
        let differences: [JSONValue] = report.differences.map { d in
            .object(JSONObject([
                (key: "deliveredTo", value: .string(d.deliveredTo)), (key: "failedOn", value: .string(d.failedOn)),
                (key: "count", value: .integer(Int64(d.count))), (key: "examples", value: .array(d.examples.map { .integer($0) })),
            ]))
        }
        let value = JSONValue.object(JSONObject([
            (key: "route", value: .string(report.route)),
            (key: "since", value: report.since.map { .string($0.rfc3339()) } ?? .null),
            (key: "until", value: report.until.map { .string($0.rfc3339()) } ?? .null),
            (key: "events", value: .integer(Int64(report.events))), (key: "targets", value: .array(targets)),
            (key: "differences", value: .array(differences)),
        ]))
        return JSONWriter.string(value) + "\n"
    }

    private static func row(_ cells: [String]) -> String {
        zip(cells, [18, 10, 8, 6, 8, 8]).map { $0.count >= $1 ? $0 + " " : $0 + String(repeating: " ", count: $1 - $0.count) }
            .joined(separator: " ").trimmingSpacesAtEnd
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
    var trimmingSpacesAtEnd: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
