import Foundation
@testable import SwitchboardJournal
import Testing

@Suite struct GroupCommitterTests {
    struct Refused: Error {}

    /// A transaction that fails whenever the group holds operation 2.
    func transaction(_ group: [Int]) throws {
        if group.contains(2) { throw Refused() }
    }

    @Test func aFailedGroupIsRetriedOneByOneAndOnlyTheBadOperationFails() throws {
        let results = try GroupCommitter<Int>.oneThenEach([1, 2, 3], retryEach: { _ in true }, transaction: transaction)
        #expect(results.map { $0 == nil } == [true, false, true], "each operation is told its own outcome")
    }

    @Test func whenRetryingIsNotSafeEveryOperationFails() {
        #expect(throws: Refused.self) {
            _ = try GroupCommitter<Int>.oneThenEach([1, 2, 3], retryEach: { _ in false }, transaction: transaction)
        }
    }

    @Test func eachCallerGetsItsOwnResult() async throws {
        let committer = GroupCommitter<Int>(name: "test") { operations in
            try GroupCommitter<Int>.oneThenEach(operations, retryEach: { _ in true }) { group in
                if group.contains(2) { throw Refused() }
            }
        }
        defer { committer.stop() }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 1...6 {
                group.addTask { (n, (try? await committer.submit(n)) != nil) }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes == [1: true, 2: false, 3: true, 4: true, 5: true, 6: true])
    }

    @Test func underLoadARoundWaitsForMoreOperationsAndCommitsThemTogether() async throws {
        let gate = DispatchSemaphore(value: 0)
        let started = Locked(false)
        let sizes = Locked<[Int]>([])
        let committed = Locked(0)
        let committer = GroupCommitter<Int>(name: "test", linger: .seconds(60)) { operations in
            if operations.contains(0) {
                started.set(true)
                gate.wait()
            }
            sizes.update { $0.append(operations.count) }
            return operations.map { _ in nil }
        }
        defer { committer.stop() }
        let submit = { (n: Int) in committer.submit(n) { _ in committed.update { $0 += 1 } } }
        submit(0)
        #expect(await waitUntil { started.value })
        submit(1)  // queued while 0 commits: the writer is busy, so the next round waits for more
        gate.signal()
        #expect(await waitUntil { committer.isLingering })
        for n in 2...32 { submit(n) }
        #expect(await waitUntil { committed.value == 33 })
        #expect(sizes.value == [1, 32], "1 and the 31 after it share one commit")
    }
}

/// A value shared with a committer's thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func set(_ value: Value) { lock.withLock { stored = value } }
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}

/// Polls `condition` (bounded: 10 s); whether it held.
func waitUntil(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<10_000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}
