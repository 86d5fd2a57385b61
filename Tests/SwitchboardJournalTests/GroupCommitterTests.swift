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
}
