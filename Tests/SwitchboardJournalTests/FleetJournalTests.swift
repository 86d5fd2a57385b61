import Foundation
import NIOPosix
import SwitchboardCore
import SwitchboardJournal
import Testing

/// What several instances on one PostgreSQL journal rely on: claims that never hand a delivery to
/// two of them, leases that bring a dead instance's deliveries back, migrations applied once.
@Suite(.enabled(if: PostgresTestServer.url != nil, "SWITCHBOARD_TEST_POSTGRES names no server"))
struct FleetJournalTests {
    func event(_ n: Int, user: String) -> NewEvent {
        NewEvent(route: "r", source: "usercom", name: "e", userId: user, receivedAt: Instant(milliseconds: 1_000),
                 canonical: Array(#"{"n":\#(n)}"#.utf8), targets: ["a"], firstAttemptDue: Instant(milliseconds: 1_000))
    }

    @Test func instancesStartingTogetherApplyTheMigrationsOnce() async throws {
        let made = try TestJournal(.postgres)
        let journals = try await withThrowingTaskGroup(of: PostgresJournal.self) { group in
            for _ in 0..<3 { group.addTask { try made.openPostgres() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { for journal in journals { journal.close() } }
        #expect(Set(journals.map(\.journalId)).count == 1, "one journal, one id")
        let appended = try await journals[0].append([event(1, user: "u")])
        #expect(try journals[2].isPending(deliveryId: appended[0].deliveryIds[0]))
    }

    @Test func theLastReferenceToAJournalMayGoOnAnEventLoop() async throws {
        // An app connection's handler holds the pipeline and so the journal; when the gateway
        // has stopped, the handler may be the last to let go, on its event loop, where NIO
        // refuses to block (closing the connections waited for them, and crashed the process).
        let made = try TestJournal(.postgres)
        final class Holder: @unchecked Sendable { var journal: PostgresJournal? }
        let holder = Holder()
        holder.journal = try made.openPostgres()
        let appended = try await holder.journal!.append([event(1, user: "u")])
        try await MultiThreadedEventLoopGroup.singleton.next().submit { holder.journal = nil }.get()
        let other = try made.openPostgres()
        defer { other.close() }
        #expect(try other.isPending(deliveryId: appended[0].deliveryIds[0]))
    }

    @Test func concurrentClaimsHandEachDueDeliveryToOneInstance() async throws {
        let made = try TestJournal(.postgres)
        let (one, two) = (try made.openPostgres(), try made.openPostgres())
        defer { one.close(); two.close() }
        let ids = try await one.append((0..<200).map { event($0, user: "u\($0)") }).map { $0.deliveryIds[0] }
        let now = Instant(milliseconds: 2_000), lease = Instant(milliseconds: 60_000)
        let claims = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for journal in [one, two, one, two] {
                group.addTask {
                    var mine: [Int64] = []
                    while case let batch = try journal.claimDue(now: now, limit: 7, excluding: [], leaseUntil: lease), !batch.isEmpty {
                        mine += batch.map(\.deliveryId)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == ids.count && Set(all) == Set(ids), "every delivery claimed exactly once")
        #expect(try two.claimDue(now: now, limit: 10, excluding: [], leaseUntil: lease).isEmpty, "leased: not due for anyone")
        // The claiming instance died without recording anything: its leases run out.
        let afterLease = try two.claimDue(now: lease, limit: 500, excluding: [], leaseUntil: Instant(milliseconds: 120_000))
        #expect(afterLease.count == ids.count)
    }

    @Test func aUsersNextDeliveryGoesToOneInstanceAndOnlyAfterTheEarlierSettled() async throws {
        let made = try TestJournal(.postgres)
        let (one, two) = (try made.openPostgres(), try made.openPostgres())
        defer { one.close(); two.close() }
        let first = try await one.append([event(1, user: "alice")])[0]
        let second = try await two.append([event(2, user: "alice")])[0]
        #expect(second.earlierPending == [[first.deliveryIds[0]]], "the other instance's pending delivery is seen")
        let now = Instant(milliseconds: 2_000), lease = Instant(milliseconds: 60_000)
        #expect(try two.claimDue(now: now, limit: 10, excluding: [], leaseUntil: lease).map(\.deliveryId) == [first.deliveryIds[0]],
                "only the head of alice's line is due")
        #expect(try one.claimHeadOfLine(target: "a", userId: "alice", now: now, leaseUntil: lease) == nil, "the head is leased")
        try await two.record([DeliveryOutcome(deliveryId: first.deliveryIds[0], state: .delivered, attempts: 1, nextAttemptAt: nil,
                                              lastStatus: 200, lastError: nil, at: now)])
        async let a = one.claimHeadOfLine(target: "a", userId: "alice", now: now, leaseUntil: lease)
        async let b = two.claimHeadOfLine(target: "a", userId: "alice", now: now, leaseUntil: lease)
        let winners = [try await a, try await b].compactMap { $0?.deliveryId }
        #expect(winners == [second.deliveryIds[0]], "exactly one instance gets the next one")
    }

    @Test func throttlesCountAcrossInstances() async throws {
        let made = try TestJournal(.postgres)
        let journals = [try made.openPostgres(), try made.openPostgres(), try made.openPostgres()]
        defer { for journal in journals { journal.close() } }
        let throttle = DeliveryGate.Throttle(scope: "a/open", key: "u", max: 1, windowMilliseconds: 60_000, reason: "throttled")
        let skipped = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<30 {
                group.addTask {
                    var e = event(i, user: "u")
                    e.gates = [DeliveryGate(throttles: [throttle])]
                    return try await journals[i % 3].append([e])[0].skipped[0]
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(skipped.filter { !$0 }.count == 1, "one let through, whichever instance appended it")
    }

    @Test func tlsToTheServerVerifiesItsCertificate() async throws {
        let tls = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/tls").path
        let base = try PostgresTestServer.freshSettings()
        var settings = try PostgresSettings(url: "\(PostgresTestServer.url!)?schema=\(base.schema!)&sslmode=require&sslrootcert=\(tls)/ca.pem",
                                            password: PostgresTestServer.password)
        let journal = try PostgresJournal(settings: settings)
        defer { journal.close() }
        #expect(try await journal.append([event(1, user: "u")]).count == 1)
        settings.rootCertificateFile = "\(tls)/untrusted-ca.pem"
        #expect(throws: JournalError.self, "a server whose certificate the CA did not sign is refused") {
            _ = try PostgresJournal(settings: settings)
        }
    }
}
