import SwitchboardCore

/// How a route report is put together from a journal's answers, the same for every journal:
/// each journal only runs its queries.
extension RouteReport {
    /// One count of the route's deliveries: to `target`, in `state`.
    struct StateCount {
        let target: String
        let state: String
        let count: Int
    }

    /// - Parameters:
    ///   - events: how many events of the route are in the range.
    ///   - counts: the range's deliveries counted by target and state.
    ///   - reasons: a target's most frequent reasons of pending and dead deliveries, most frequent first.
    ///   - deliveredButDead: how many events were delivered to the first target and dead on the
    ///     second, and up to ten of their ids, oldest first.
    static func assemble(
        route: String, since: Instant?, until: Instant?, targets: [String], events: Int, counts: [StateCount],
        reasons: (String) throws -> [(reason: String, count: Int)],
        deliveredButDead: (String, String) throws -> (count: Int, examples: [Int64])
    ) throws -> RouteReport {
        var byName: [String: Target] = [:]
        for row in counts {
            var target = byName[row.target] ?? Target(name: row.target)
            switch DeliveryState(rawValue: row.state) {
            case .delivered: target.delivered += row.count
            case .pending: target.pending += row.count
            case .dead: target.dead += row.count
            case .skipped: target.skipped += row.count
            case nil: break
            }
            byName[row.target] = target
        }
        for name in targets where byName[name] == nil { byName[name] = Target(name: name) }
        for (name, target) in byName {
            byName[name]!.missing = events - target.delivered - target.pending - target.dead - target.skipped
            byName[name]!.reasons = try reasons(name)
        }
        let names = byName.keys.sorted { a, b in
            let (i, j) = (targets.firstIndex(of: a) ?? Int.max, targets.firstIndex(of: b) ?? Int.max)
            return i != j ? i < j : a < b
        }
        var differences: [Difference] = []
        for good in names {
            for bad in names where bad != good {
                let (count, examples) = try deliveredButDead(good, bad)
                guard count > 0 else { continue }
                differences.append(Difference(deliveredTo: good, failedOn: bad, count: count, examples: examples))
            }
        }
        return RouteReport(route: route, since: since, until: until, events: events,
                           targets: names.map { byName[$0]! }, differences: differences)
    }
}
