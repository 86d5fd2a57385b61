import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import Testing

@Suite struct MigrationReportTextTests {
    static var report: RouteReport {
        var old = RouteReport.Target(name: "usercom")
        old.delivered = 2200
        var new = RouteReport.Target(name: "flameup")
        new.delivered = 190
        new.dead = 10
        new.missing = 2000
        new.reasons = [(reason: "HTTP 422: Validation failed", count: 10)]
        return RouteReport(route: "app", since: nil, until: Instant(rfc3339: "2026-12-01T08:00:00Z"), events: 2200, targets: [old, new],
                           differences: [RouteReport.Difference(deliveredTo: "usercom", failedOn: "flameup", count: 10, examples: [3, 9])])
    }

    @Test func theTableShowsCountsReasonsAndDifferences() {
        #expect(MigrationReportText.table(Self.report) == """
            route app, the start – 2026-12-01T08:00:00Z: 2200 events

            TARGET             DELIVERED  PENDING  DEAD   SKIPPED  MISSING
            usercom            2200       0        0      0        0
            flameup            190        0        10     0        2000

            flameup, pending and dead by reason:
                  10  HTTP 422: Validation failed

            10 delivered to usercom but dead on flameup, e.g. events 3, 9

            """)
    }

    @Test func theJSONHoldsTheSame() throws {
        let json = try JSONParser.parse(Array(MigrationReportText.json(Self.report).utf8))
        #expect(json["until"] == "2026-12-01T08:00:00Z")
        #expect(json["since"] == .null)
        #expect(json["targets"]?.arrayValue?.last?["reasons"] == [["reason": "HTTP 422: Validation failed", "count": 10]])
        #expect(json["differences"]?.arrayValue?.first?["examples"] == [3, 9])
    }
}
