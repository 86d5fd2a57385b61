import Foundation
import SwitchboardCore

/// Runs queued write operations on one thread, many per transaction, so that concurrent callers
/// share one commit (and one fsync).
///
/// Each round takes everything queued (up to `maxBatch`), runs `commit` once with it, and then
/// completes each operation with its own result: `commit` returns one error (or nil) per
/// operation, or throws to fail them all.
final class GroupCommitter<Operation: Sendable>: @unchecked Sendable {
    typealias Completion = @Sendable (Result<Void, any Error>) -> Void

    private let condition = NSCondition()
    private var queue: [(Operation, Completion)] = []
    private var stopped = false
    private let maxBatch: Int
    private let commit: ([Operation]) throws -> [(any Error)?]
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, maxBatch: Int = 2048, commit: @escaping ([Operation]) throws -> [(any Error)?]) {
        self.maxBatch = maxBatch
        self.commit = commit
        startThread(named: name) { [self] in run() }
    }

    /// Queues `operation`; after `stop` it fails at once (nothing would run it).
    func submit(_ operation: Operation, completion: @escaping Completion) {
        condition.lock()
        if stopped {
            condition.unlock()
            return completion(.failure(GroupCommitError.stopped))
        }
        queue.append((operation, completion))
        condition.signal()
        condition.unlock()
    }

    func submit(_ operation: Operation) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            submit(operation) { continuation.resume(with: $0) }
        }
    }

    /// Finishes what is queued, then ends the thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// Blocks until the thread has ended (after `stop`).
    func waitUntilStopped() {
        finished.wait()
        finished.signal()
    }

    private func run() {
        defer { finished.signal() }
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            let results: [Result<Void, any Error>]
            do {
                let errors = try commit(batch.map(\.0))
                results = batch.indices.map { i in
                    i < errors.count ? errors[i].map { .failure($0) } ?? .success(()) : .failure(GroupCommitError.noResult)
                }
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            for ((_, completion), result) in zip(batch, results) { completion(result) }
        }
    }
}

enum GroupCommitError: Error {
    /// The journal was closed.
    case stopped
    /// The commit closure returned fewer results than it was given operations.
    case noResult
}

extension GroupCommitter {
    /// The usual round: all operations in one transaction; if it fails and `retryEach` allows,
    /// each operation on its own, so that one bad operation does not fail the others.
    static func oneThenEach(
        _ operations: [Operation], retryEach: (any Error) -> Bool, transaction: ([Operation]) throws -> Void
    ) throws -> [(any Error)?] {
        do {
            try transaction(operations)
            return operations.map { _ in nil }
        } catch {
            guard operations.count > 1, retryEach(error) else { throw error }
            return operations.map { operation in
                do {
                    try transaction([operation])
                    return nil
                } catch {
                    return error
                }
            }
        }
    }
}
