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
    /// Under load, how long a round waits for more operations before it commits.
    private let linger: TimeInterval
    /// Waiting for more ops: submits wake the thread only once `lingerTarget` are queued.
    private var lingering = false
    private let lingerTarget = 32

    /// - Parameter linger: when operations came in during the last commit (the writer is busy),
    ///   the next round waits up to this long for `lingerTarget` of them, so that a commit's
    ///   fixed cost (the WAL write and its fsync) is shared by more; 0 never waits. A lone
    ///   operation after a quiet spell never waits.
    init(name: String, maxBatch: Int = 2048, linger: Duration = .zero, commit: @escaping ([Operation]) throws -> [(any Error)?]) {
        self.maxBatch = maxBatch
        self.commit = commit
        self.linger = linger.inSeconds
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
        if !lingering || queue.count >= lingerTarget { condition.signal() }
        condition.unlock()
    }

    func submit(_ operation: Operation) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            submit(operation) { continuation.resume(with: $0) }
        }
    }

    /// True while a round waits for more operations (for tests).
    var isLingering: Bool { condition.withLock { lingering } }

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
        var busy = false
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if busy, linger > 0, queue.count < lingerTarget, !stopped {
                lingering = true
                let deadline = Date(timeIntervalSinceNow: linger)
                while queue.count < lingerTarget, !stopped, condition.wait(until: deadline) {}
                lingering = false
            }
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
            busy = condition.withLock { !queue.isEmpty }
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
