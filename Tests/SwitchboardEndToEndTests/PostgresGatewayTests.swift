import Foundation
import SwitchboardApp
import SwitchboardJournal
import SwitchboardSandbox
import Testing

/// The gateway and the command line on a PostgreSQL journal: the same promises as on SQLite.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"] != nil, "needs SWITCHBOARD_TEST_POSTGRES"))
struct PostgresGatewayTests {
    let url = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"]! + "?schema=e2e_\(UUID().uuidString.prefix(8).lowercased())"
    let password = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_PASSWORD"]

    @Test func retriesUntilDeliveredListsFailuresAndNeverShowsThePassword() async throws {
        let harness = try await GatewayHarness(deadlineMs: 2_000, journalURL: url, journalPassword: password)
        try await using(harness, stop: { await $0.stop() }) { harness in
            harness.flameup.script([MockFlameup.validationError([("event", "Bad")]),
                                    MockFlameup.requestError(503, type: "unavailable", message: "down")])
            let first = try await harness.send(path: eventPath, body: validEvent)
            let second = try await harness.send(path: eventPath, body: validEvent)
            #expect(first.status == 400 && second.status == 200, "422 is refused for good; a 503 is journaled and retried")
            #expect(try await harness.eventually { try harness.deliveries([.delivered]).count == 1 && harness.deliveries([.dead]).count == 1 })
            #expect(harness.flameup.requests.map(\.status) == [422, 503, 200])
            #expect(harness.flameup.duplicates == 0)
            let cli = try await SwitchboardCLI.run(["failures", "list", "--state", "all", "--journal", url],
                                                   environment: [PostgresSettings.defaultPasswordVariable: password ?? ""])
            #expect(cli.contains("dead") && cli.contains("delivered") && cli.contains("HTTP 422: Validation failed"))
            if let password { #expect(!cli.contains(password)) }
            // A second instance on the same journal starts (no delivery lock) and sees the same deliveries.
            let config = try Config.parse(Array(try String(contentsOfFile: harness.configFile, encoding: .utf8).utf8),
                                                         file: harness.configFile)
            let other = try config.openJournal(environment: [PostgresSettings.defaultPasswordVariable: password ?? ""])
            defer { other.close() }
            #expect(other.isShared && other.journalId == harness.gateway.journal.journalId)
            #expect(try other.deliveries(states: [.delivered, .dead], limit: 10).count == 2)
        }
    }

    @Test func aWrongPasswordIsAClearErrorThatDoesNotEchoIt() async throws {
        let wrong = "not-the-password-\(UUID().uuidString.prefix(6))"
        let error = #expect(throws: JournalError.self) {
            _ = try openJournal(url, environment: [PostgresSettings.defaultPasswordVariable: wrong])
        }
        #expect(error.map { !"\($0)".contains(wrong) } == true, "\(String(describing: error))")
        #expect(error.map { "\($0)".contains("28P01") || "\($0)".contains("password") } == true, "\(String(describing: error))")
        #expect(throws: JournalError.self) { _ = try PostgresSettings(url: "postgres://u:secret@localhost/db", password: nil) }
    }
}

/// The config's `journal.url`, checked when the config is read (no server needed).
@Suite struct PostgresConfigTests {
    func problems(_ journal: String) -> String {
        let config = #"{"journal": \#(journal), "targets": {"t": {"provider": "flameup"}}, "routes": [{"name": "r", "from": "usercom", "to": "t", "keys": {"env": "K"}}]}"#
        do {
            _ = try Config.parse(Array(config.utf8), file: "c.json")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aPasswordInTheURLPathAndURLTogetherAndUnknownOptionsAreRefused() {
        let withPassword = problems(#"{"url": "postgres://u:hunter2@db/switchboard"}"#)
        #expect(withPassword.contains("/journal/url") && withPassword.contains("environment"), "\(withPassword)")
        #expect(!withPassword.contains("hunter2"), "the password is not repeated")
        #expect(problems(#"{"url": "postgres://u@db/switchboard", "path": "j.sqlite"}"#).contains("not both"))
        #expect(problems(#"{"url": "postgres://u@db/switchboard?sslmode=maybe"}"#).contains("sslmode"))
        #expect(problems(#"{"url": "postgres://db/switchboard"}"#).contains("no user"))
    }

    @Test func aValidURLNamesASharedJournal() throws {
        let config = #"{"journal": {"url": "postgres://u@db:6543/switchboard?schema=gw", "passwordEnv": "PG_PW"}, "targets": {"t": {"provider": "flameup"}}, "routes": [{"name": "r", "from": "usercom", "to": "t", "keys": {"env": "K"}}]}"#
        let parsed = try Config.parse(Array(config.utf8), file: "c.json")
        #expect(parsed.journalIsShared && parsed.journalPasswordVariable == "PG_PW")
        let settings = try PostgresSettings(url: parsed.journalLocation, password: nil)
        #expect(settings.host == "db" && settings.port == 6543 && settings.schema == "gw" && settings.username == "u")
    }
}
