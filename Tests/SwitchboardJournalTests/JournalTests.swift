import Foundation
import SwitchboardCore
import SwitchboardJournal
import Testing

/// The journal's contract, run against every implementation.
@Suite struct JournalTests {

    /// An event of its own user (named after the event) unless `user` is given.
    func event(_ name: String, at ms: Int64 = 1_000, targets: [String] = ["a"], user: String? = nil) -> NewEvent {
        NewEvent(route: "r", source: "usercom", name: name, userId: user ?? "u-\(name)", receivedAt: Instant(milliseconds: ms),
                 canonical: Array(#"{"event":"\#(name)"}"#.utf8), targets: targets, firstAttemptDue: Instant(milliseconds: ms + 10_000))
    }

    @Test(arguments: JournalKind.available) func appendsWithADeliveryPerTargetAndTracksFirstOccurrence(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let first = try await journal.append([event("signup", targets: ["a", "b"]), event("signup")])
            #expect(first.map(\.firstOfName) == [true, false])
            #expect(first[0].deliveryIds.count == 2)
            #expect(first[1].eventId == first[0].eventId + 1)
            #expect(first[1].earlierPending == [[first[0].deliveryIds[0]]], "the same user's earlier event in the same append")
            #expect(first[1].deliveryIds[0] > first[0].deliveryIds[1], "ids in the order of the events")
            let pending = try journal.deliveries(states: [.pending], limit: 10)
            #expect(pending.count == 3)
        }
    }

    @Test(arguments: JournalKind.available) func concurrentAppendsAllCommitWithUniqueIds(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for i in 0..<200 {
                    group.addTask { try await journal.append([event("e\(i % 7)")])[0].eventId }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(ids).count == 200)
        }
    }

    @Test(arguments: JournalKind.available) func dueDeliveriesAndClaimsSkipTheTargetsAskedTo(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let appended = try await journal.append([event("e1", targets: ["x", "y", "z"]), event("e2", targets: ["x", "y", "z"])])
            let later = Instant(milliseconds: 60_000)
            let due = try journal.dueDeliveries(now: later, limit: 10, excluding: [], skippingTargets: ["x", "z"])
            #expect(due.map(\.deliveryId) == appended.map { $0.deliveryIds[1] }, "only target y's")
            let claimed = try journal.claimDue(now: later, limit: 10, excluding: [], skippingTargets: ["y"],
                                               leaseUntil: Instant(milliseconds: 90_000))
            #expect(Set(claimed.map(\.target)) == ["x", "z"] && claimed.count == 4)
        }
    }

    @Test(arguments: JournalKind.available) func aUsersLaterDeliveryIsDueOnlyAfterTheEarlierOneIsSettled(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let first = try await journal.append([event("a1", targets: ["x", "y"], user: "alice")])[0]
            let second = try await journal.append([event("a2", targets: ["x", "y"], user: "alice"), event("b1", user: "bob")])
            #expect(first.earlierPending == [[], []])
            #expect(second[0].earlierPending == [[first.deliveryIds[0]], [first.deliveryIds[1]]], "alice's second event waits on both targets")
            #expect(second[0].waits(target: 0) && second[0].waits(target: 1))
            #expect(!second[0].waits(target: 0, isSettled: { $0 == first.deliveryIds[0] }), "unless the earlier outcome is known")
            #expect(second[1].earlierPending == [[]])
            // Waiting its turn, a delivery has no attempt time: the due query never reads it, and a
            // restart's release of first-attempt leases leaves it waiting.
            _ = try await journal.releaseLeases(now: Instant(milliseconds: 2_000))
            #expect(try journal.delivery(id: second[0].deliveryIds[0])?.nextAttemptAt == nil)
            let later = Instant(milliseconds: 60_000)
            var due = try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId)
            #expect(due == first.deliveryIds + second[1].deliveryIds)
            let retrying = try await journal.record([DeliveryOutcome(deliveryId: first.deliveryIds[0], state: .pending, attempts: 1,
                                                                     nextAttemptAt: later, lastStatus: 503, lastError: "HTTP 503", at: later)])
            #expect(retrying.isEmpty, "a retry holds the line")
            let movedOn = try await journal.record([
                DeliveryOutcome(deliveryId: first.deliveryIds[0], state: .delivered, attempts: 2,
                                nextAttemptAt: nil, lastStatus: 200, lastError: nil, at: later),
                DeliveryOutcome(deliveryId: second[1].deliveryIds[0], state: .delivered, attempts: 1,
                                nextAttemptAt: nil, lastStatus: 200, lastError: nil, at: later),
            ])
            #expect(movedOn == [first.deliveryIds[0]], "alice's line moved on; bob has nothing else in line")
            due = try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId)
            #expect(Set(due) == [first.deliveryIds[1], second[0].deliveryIds[0]],
                    "on target x alice's line moved on; on y it still waits for the first event")
            #expect(try journal.delivery(id: second[0].deliveryIds[0])?.nextAttemptAt == later, "due when the one ahead settled")
            #expect(try journal.delivery(id: second[0].deliveryIds[1])?.nextAttemptAt == nil)
            let deadMovedOn = try await journal.record([DeliveryOutcome(deliveryId: first.deliveryIds[1], state: .dead, attempts: 1,
                                                                        nextAttemptAt: nil, lastStatus: 422, lastError: "HTTP 422", at: later)])
            #expect(deadMovedOn == [first.deliveryIds[1]])
            due = try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId)
            #expect(due.contains(second[0].deliveryIds[1]), "a dead letter no longer holds the line")
        }
    }

    @Test(arguments: JournalKind.available) func aLineQueuedThroughAnotherConnectionMovesOnWhenItsHeadSettles(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, made in
            // The gateway's journal has written (and so looked at its lines) before the other
            // connection, a command-line run, queues alice's two events.
            let bob = try await journal.append([event("b1", user: "bob")])[0]
            let later = Instant(milliseconds: 60_000)
            try await journal.record([DeliveryOutcome(deliveryId: bob.deliveryIds[0], state: .delivered, attempts: 1,
                                                      nextAttemptAt: nil, lastStatus: 200, lastError: nil, at: later)])
            let other = try made.open()
            let alice = try await other.append([event("a1", user: "alice"), event("a2", user: "alice")])
            other.close()
            #expect(alice[1].waits(target: 0))
            try await journal.record([DeliveryOutcome(deliveryId: alice[0].deliveryIds[0], state: .delivered, attempts: 1,
                                                      nextAttemptAt: nil, lastStatus: 200, lastError: nil, at: later)])
            #expect(try journal.dueDeliveries(now: later, limit: 10, excluding: []).map(\.deliveryId) == alice[1].deliveryIds,
                    "alice's second event is due once her first settled, though another connection queued it")
        }
    }

    @Test(arguments: JournalKind.available) func firstAttemptsOfAStoppedGatewayResumeButRetriesKeepTheirTime(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let appended = try await journal.append([event("a"), event("b")])
            try await journal.record([DeliveryOutcome(deliveryId: appended[1].deliveryIds[0], state: .pending, attempts: 1,
                                                      nextAttemptAt: Instant(milliseconds: 50_000), lastStatus: 503,
                                                      lastError: "HTTP 503", at: Instant(milliseconds: 2_000))])
            let now = Instant(milliseconds: 3_000)
            #expect(try journal.dueDeliveries(now: now, limit: 10, excluding: []).isEmpty, "both wait: a lease and a backoff")
            // The only gateway on an SQLite journal releases its leases at start; on a shared
            // journal other instances' leases are live, so a dead instance's run out instead.
            #expect(try await journal.releaseLeases(now: now) == (journal.isShared ? 0 : 1))
            let resumed = journal.isShared ? Instant(milliseconds: 11_000) : now
            #expect(try journal.dueDeliveries(now: resumed, limit: 10, excluding: []).map(\.deliveryId) == [appended[0].deliveryIds[0]])
        }
    }

    @Test(arguments: JournalKind.available) func historyReplayBacklogAndPruning(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            let appended = try await journal.append([event("a", at: 1_000), event("b", at: 2_000)])
            let (a, b) = (appended[0].deliveryIds[0], appended[1].deliveryIds[0])
            var failed = DeliveryOutcome(deliveryId: a, state: .pending, attempts: 1, nextAttemptAt: Instant(milliseconds: 30_000),
                                         lastStatus: 503, lastError: "HTTP 503", at: Instant(milliseconds: 4_000))
            failed.failedAttempt = true
            failed.excerpt = #"{"error":"busy"}"#
            var dead = DeliveryOutcome(deliveryId: a, state: .dead, attempts: 2, nextAttemptAt: nil, lastStatus: 422,
                                       lastError: "HTTP 422", at: Instant(milliseconds: 5_000))
            dead.failedAttempt = true
            let delivered = DeliveryOutcome(deliveryId: b, state: .delivered, attempts: 1, nextAttemptAt: nil, lastStatus: 200,
                                            lastError: nil, at: Instant(milliseconds: 5_000))
            try await journal.record([failed])
            try await journal.record([dead, delivered])
            let record = try #require(try journal.delivery(id: a))
            #expect(record.state == .dead && record.attempts == 2 && record.lastStatus == 422)
            #expect(record.history == [AttemptRecord(at: Instant(milliseconds: 4_000), status: 503, error: "HTTP 503"),
                                       AttemptRecord(at: Instant(milliseconds: 5_000), status: 422, error: "HTTP 422")])
            #expect(record.excerpt == #"{"error":"busy"}"#, "the last excerpt stays when a later failure has none")
            try await journal.record([delivered])
            #expect(try journal.delivery(id: b)?.history == [], "a final state is not recorded twice")
            var filter = DeliveryFilter()
            filter.states = [.dead]
            filter.userId = "u-a"
            #expect(try journal.deliveries(matching: filter).map(\.deliveryId) == [a])
            #expect(try journal.backlog().count == 0)
            #expect(try await journal.replay(deliveryIds: [a, b], now: Instant(milliseconds: 6_000)) == 1, "delivered is never sent again")
            let backlog = try journal.backlog()
            #expect(backlog.count == 1 && backlog.oldest == Instant(milliseconds: 1_000))
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 6_000), limit: 10, excluding: []).map(\.deliveryId) == [a])
            #expect(try await journal.prune(acceptedBefore: Instant(milliseconds: 10_000), limit: 10) == 1, "only b is settled")
            #expect(try journal.delivery(id: b) == nil && journal.delivery(id: a) != nil)
            #expect(try journal.usedBytes() > 0)
        }
    }

    @Test(arguments: JournalKind.available) func listsEventsByUserTimeNameAndContext(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, _ in
            var events = (1...5).map { event("e\($0 % 2)", at: Int64($0) * 1_000, user: $0 == 5 ? "other" : "u") }
            events[2].canonical = Array(#"{"event":"e1","context":{"scope":"web"}}"#.utf8)
            let ids = try await journal.append(events).map(\.eventId)
            var query = EventQuery()
            query.userId = "u"
            query.since = Instant(milliseconds: 2_000)
            query.until = Instant(milliseconds: 4_000)
            var page = try journal.events(matching: query)
            #expect(page.events.map(\.id) == Array(ids[1...3]) && page.total == 3, "both ends included")
            query.limit = 1
            query.offset = 1
            page = try journal.events(matching: query)
            #expect(page.events.map(\.id) == [ids[2]] && page.total == 3)
            query = EventQuery()
            query.names = ["e1"]
            query.context = ["scope": "web"]
            page = try journal.events(matching: query)
            #expect(page.events.map(\.id) == [ids[2]])
            #expect(page.events.first?.canonical == events[2].canonical, "stored byte for byte")
        }
    }

    @Test(arguments: JournalKind.available) func throttleGatesCountInTheJournalAndTheQuotaRefusesAppends(kind: JournalKind) async throws {
        let made = try TestJournal(kind)
        defer { made.remove() }
        let journal = try made.open(maxBytes: 65_536 * 40)
        defer { (journal as? PostgresJournal)?.close() }
        let throttle = DeliveryGate.Throttle(scope: "a/open", key: "u", max: 1, windowMilliseconds: 60_000, reason: "throttled")
        var first = event("o1", user: "u"), second = event("o2", at: 2_000, user: "u"), bot = event("o3", user: "bot")
        first.gates = [DeliveryGate(throttles: [throttle])]
        second.gates = [DeliveryGate(throttles: [throttle])]
        bot.gates = [DeliveryGate(skip: "bot traffic")]
        let appended = try await journal.append([first, second, bot])
        #expect(appended.map(\.skipped) == [[false], [true], [true]])
        let skipped = try journal.deliveries(states: [.skipped], limit: 10)
        #expect(Set(skipped.compactMap(\.lastError)) == ["throttled", "bot traffic"])
        var big = event("big")
        big.canonical = Array(repeating: UInt8(ascii: " "), count: 4 << 20)
        await #expect(throws: JournalFull.self) { _ = try await journal.append([big]) }
        #expect(try await journal.append([event("small")]).count == 1, "a small event still fits")
    }

    @Test(arguments: JournalKind.available) func closingCommitsTheQueuedWritesAndRefusesLaterOnes(kind: JournalKind) async throws {
        let made = try TestJournal(kind)
        defer { made.remove() }
        let journal = try made.open()
        for i in 0..<200 { journal.append([event("e\(i)")]) { _ in } }
        journal.close()
        await #expect(throws: (any Error).self, "nothing writes after close") { _ = try await journal.append([event("late")]) }
        let reopened = try made.open()
        defer { (reopened as? PostgresJournal)?.close() }
        #expect(try reopened.backlog().count == 200, "every write queued before close is in")
    }

    @Test(arguments: JournalKind.available) func dueDeliveriesFollowTheScheduleAndOutcomes(kind: JournalKind) async throws {
        try await TestJournal.with(kind) { journal, made in
            let appended = try await journal.append([event("a"), event("b")])
            let ids = appended.map { $0.deliveryIds[0] }
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 5_000), limit: 10, excluding: []).isEmpty)
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 11_000), limit: 10, excluding: []).map(\.deliveryId) == ids)
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 11_000), limit: 10, excluding: [ids[0]]).map(\.deliveryId) == [ids[1]])
            try await journal.record([
                DeliveryOutcome(deliveryId: ids[0], state: .delivered, attempts: 1, nextAttemptAt: nil, lastStatus: 200,
                                lastError: nil, at: Instant(milliseconds: 2_000)),
                DeliveryOutcome(deliveryId: ids[1], state: .pending, attempts: 1, nextAttemptAt: Instant(milliseconds: 20_000),
                                lastStatus: 503, lastError: "HTTP 503", at: Instant(milliseconds: 2_000)),
            ])
            #expect(try journal.dueDeliveries(now: Instant(milliseconds: 11_000), limit: 10, excluding: []).isEmpty)
            let due = try journal.dueDeliveries(now: Instant(milliseconds: 20_000), limit: 10, excluding: [])
            #expect(due.map(\.deliveryId) == [ids[1]])
            #expect(due.first?.attempts == 1)
            #expect(due.first?.canonical == Array(#"{"event":"b"}"#.utf8))
            // What is committed survives reopening the file.
            let reopened = try made.open()
            defer { (reopened as? PostgresJournal)?.close() }
            #expect(try reopened.deliveries(states: [.delivered], limit: 10).map(\.deliveryId) == [ids[0]])
            #expect(try reopened.deliveries(states: [.pending], limit: 10).first?.lastError == "HTTP 503")
        }
    }
}
