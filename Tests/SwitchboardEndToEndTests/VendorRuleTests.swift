import Foundation
import SwitchboardApp
import SwitchboardCore
import SwitchboardJournal
import Testing

/// Vibetrace's rules, declared in its provider file, leave out what Vibetrace would discard.
@Suite(.serialized) struct VendorRuleTests {
    static func event(_ name: String, _ data: String = "{}") -> [UInt8] {
        Array(#"{"name": "\#(name)", "timestamp": 1426967129, "data": \#(data)}"#.utf8)
    }

    /// The events the mock Vibetrace accepted (its upserts left aside), by name.
    static func eventsReceived(_ sandbox: SandboxHarness) -> [String] {
        sandbox.vendors.vibetrace.accepted.filter { $0.request.path == "/v1/event/" }.compactMap { received in
            (try? JSONParser.parse(received.body))?["event"]?.objectValue?.keys.first
        }
    }

    @Test func aSecondConfirmationOfAnOrderAndASecondEmailOpenWithinTwentyMinutesAreLeftOut() async throws {
        try await withSandbox { sandbox in
            let path = "/to/vibetrace/api/public/users-by-id/u-1/events/"
            for body in [Self.event("confirmation", #"{"orderId": "o-1"}"#), Self.event("confirmation", #"{"orderId": "o-1"}"#),
                         Self.event("confirmation", #"{"orderId": "o-2"}"#), Self.event("emailOpen"), Self.event("emailOpen")] {
                let answer = try await sandbox.send(as: "usercom", path: path, body: body)
                #expect(answer.status == 200, "the app is answered as user.com would: \(answer.body)")
            }
            #expect(await sandbox.eventually { Self.eventsReceived(sandbox).count == 3 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(Self.eventsReceived(sandbox) == ["confirmation", "confirmation", "emailOpen"])
            let skipped = try sandbox.gateway.journal.deliveries(states: [.skipped], limit: 10)
            #expect(skipped.map(\.lastError).sorted { ($0 ?? "") < ($1 ?? "") } == [
                "rule: a confirmation (purchase) once per orderId", "rule: one email open per user per 20 minutes",
            ])
            #expect(try await sandbox.eventually { try sandbox.gateway.journal.deliveries(states: [.pending, .dead], limit: 10).isEmpty })
        }
    }

    @Test func botTrafficIsNotSentButOtherTargetsStillGetIt() async throws {
        try await withSandbox { sandbox in
            let body = Array(#"{"event_type": "page_view", "content": {"contactId": "c-1"}}"#.utf8)
            let bot = try await sandbox.send(as: "builder", path: "/to/vibetrace/api/events/post", body: body,
                                             headers: [("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")])
            #expect(bot.status == 200)
            let person = try await sandbox.send(as: "builder", path: "/to/vibetrace/api/events/post", body: body,
                                                headers: [("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")])
            #expect(person.status == 200)
            let toFlameup = try await sandbox.send(as: "builder", path: "/api/events/post", body: body,
                                                   headers: [("User-Agent", "Googlebot/2.1")])
            #expect(toFlameup.status == 200)
            #expect(await sandbox.eventually { Self.eventsReceived(sandbox).count == 1 && sandbox.vendors.flameup.accepted.count == 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(Self.eventsReceived(sandbox).count == 1, "only the person's event reached Vibetrace")
            #expect(sandbox.vendors.flameup.accepted.count == 1, "Flameup has no bot rule")
            let skipped = try sandbox.gateway.journal.deliveries(states: [.skipped], limit: 10)
            #expect(skipped.map(\.lastError) == ["rule: no bot traffic"])
            let metrics = String(decoding: sandbox.gateway.metrics.render(journal: sandbox.gateway.journal, now: SystemClock().now()), as: UTF8.self)
            #expect(metrics.contains(#"switchboard_deliveries_skipped_total{target="vibetrace"} 1"#), "\(metrics)")
        }
    }
}
