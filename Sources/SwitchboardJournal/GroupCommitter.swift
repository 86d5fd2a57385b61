import Foundation

/// Runs queued write operations on one thread, many per transaction, so that concurrent callers
/// share one commit (and one fsync).
///
/// Each round takes everything queued (up to `maxBatch`), runs `commit` once with it, and then
/// completes each operation with the round's result.
final class GroupCommitter<Operation: Sendable>: @unchecked Sendable {
    typealias Completion = @Sendable (Result<Void, any Error>) -> Void

    private let condition = NSCondition()
    private var queue: [(Operation, Completion)] = []
    private var stopped = false
    private let maxBatch: Int
    private let commit: ([Operation]) throws -> Void
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, maxBatch: Int = 2048, commit: @escaping ([Operation]) throws -> Void) {
        self.maxBatch = maxBatch
        self.commit = commit
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    func submit(_ operation: Operation, completion: @escaping Completion) {
        condition.lock()
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
            let result = Result { try commit(batch.map(\.0)) }
            for (_, completion) in batch { completion(result) }
        }
    }
}
