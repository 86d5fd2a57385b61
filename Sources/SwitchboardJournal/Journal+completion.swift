extension Journal {
    /// Records outcomes without waiting; `completion` runs once they are committed or failed.
    public func record(_ outcomes: [DeliveryOutcome], completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        Task {
            do {
                try await record(outcomes)
                completion(.success(()))
            } catch {
                completion(.failure(error))
            }
        }
    }
}
