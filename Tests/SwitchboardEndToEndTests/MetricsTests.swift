import SwitchboardSandbox
import Testing

@Suite(.serialized) struct MetricsTests {
    @Test func metricsCountWhatHappenedAndNothingIsDropped() async throws {
        try await withHarness { harness in
            harness.flameup.script([MockFlameup.requestError(503, type: "unavailable", message: "down"),
                                    MockFlameup.validationError([("event", "Bad")])])
            _ = try await harness.send(path: eventPath, body: validEvent)  // 503, then delivered on retry
            _ = try await harness.send(path: eventPath, body: validEvent)  // waits behind the first (same user)
            _ = try await harness.send(path: eventPath, body: "{", authorization: "Token \(GatewayHarness.appKey)")
            let settled = await harness.eventually { (try? harness.deliveries([.pending]).isEmpty) == true }
            #expect(settled)
            let metrics = try await harness.send(path: "/metrics", body: "", method: "GET",
                                                 authorization: "Bearer \(GatewayHarness.adminToken)", admin: true)
            #expect(metrics.status == 200)
            let text = metrics.body
            #expect(text.contains(#"switchboard_events_journaled_total{route="usercom-to-flameup"} 2"#))
            #expect(text.contains(#"switchboard_events_accepted_total{route="usercom-to-flameup"} 2"#))
            #expect(text.contains(#"switchboard_deliveries_retried_total{target="flameup",error_type="http_5xx"} 1"#))
            #expect(text.contains(#"switchboard_deliveries_dead_lettered_total{target="flameup",error_type="http_4xx"} 1"#))
            #expect(text.contains(#"switchboard_deliveries_delivered_total{target="flameup"} 1"#))
            #expect(text.contains(#"switchboard_requests_rejected_total{route="usercom-to-flameup",error_type="invalidJSON"} 1"#))
            #expect(text.contains("switchboard_events_dropped_total 0"))
            #expect(text.contains("# HELP switchboard_events_dropped_total Accepted events lost."))
            #expect(text.contains("switchboard_backlog_deliveries 0"))
            #expect(text.contains("switchboard_delivery_duration_seconds_count{target=\"flameup\"} 1"))
            #expect(text.contains("switchboard_request_duration_seconds_count{route=\"usercom-to-flameup\"} 3"))
        }
    }
}

@Suite(.serialized) struct JournaledButNotAcceptedTests {
    @Test func anEventThePrimaryRefusesIsJournaledButNotCountedAsAccepted() async throws {
        try await withHarness { harness in
            harness.flameup.script([MockFlameup.validationError([("event", "Bad")])])
            #expect(try await harness.send(path: eventPath, body: validEvent).status == 400)
            let metrics = try await harness.send(path: "/metrics", body: "", method: "GET",
                                                 authorization: "Bearer \(GatewayHarness.adminToken)", admin: true)
            #expect(metrics.body.contains(#"switchboard_events_journaled_total{route="usercom-to-flameup"} 1"#))
            #expect(!metrics.body.contains("switchboard_events_accepted_total{"), "the app got an error, not a success")
        }
    }
}
