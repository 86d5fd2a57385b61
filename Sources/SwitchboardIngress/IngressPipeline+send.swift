import SwitchboardCore
import SwitchboardDelivery
import SwitchboardJournal

extension IngressPipeline {
    /// Once the events are journaled: starts their deliveries and answers, in forward mode once
    /// the primary target has answered (or the route's deadline has passed).
    func send(
        _ appendedEvents: [AppendedEvent], _ translation: Translation, route: InboundRoute, primary: DeliveryTarget,
        finish: @escaping Finish
    ) {
        let targets = route.targets
        metrics.journaled(route: route.name, count: appendedEvents.count)
        for appended in appendedEvents {
            for (i, skipped) in appended.skipped.enumerated() where skipped { metrics.skipped(target: targets[i].name) }
        }
        // A delivery that waits behind an earlier one of the same user is left to the retry
        // worker, which sends it in turn. Decided once per delivery: by event, then target.
        var waiting = appendedEvents.map { appended in
            appended.deliveryIds.indices.map { appended.waits(target: $0, isSettled: dispatcher.isSettled) }
        }
        if journal.isShared { claimFollowers(appendedEvents, &waiting) }
        if waiting.joined().contains(true) { dispatcher.noteFollowerWaiting() }
        // Not sent now: waiting behind the user's earlier event, or left out by a vendor rule.
        let held = zip(appendedEvents, waiting).map { appended, waits in
            waits.indices.map { waits[$0] || (appended.skipped.indices.contains($0) && appended.skipped[$0]) }
        }
        for (e, (appended, translated)) in zip(appendedEvents, translation.events).enumerated() {
            for (i, shadow) in route.shadows.enumerated() where !held[e][i + 1] {
                dispatcher.attempt(deliveryId: appended.deliveryIds[i + 1], target: shadow, request: translated.requests[i + 1],
                                   previousAttempts: 0)
            }
        }
        // Several events from one request (a batch) are answered once journaled, like queue mode.
        guard route.mode == .forward, appendedEvents.count == 1, !held[0][0] else {
            for (e, (appended, translated)) in zip(appendedEvents, translation.events).enumerated() where !held[e][0] {
                dispatcher.attempt(deliveryId: appended.deliveryIds[0], target: primary, request: translated.requests[0],
                                   previousAttempts: 0)
            }
            metrics.accepted(route: route.name, count: appendedEvents.count)
            return finish(.success(route.endpoint.successAnswer(for: appendedEvents, delivered: false)))
        }
        let primaryId = appendedEvents[0].deliveryIds[0]
        let primaryRequest = translation.requests[0]
        ForwardWait.start(deadline: route.deadline, timer: .shared, onOutcome: { [metrics] outcome in
            if case .answered(let attempt) = outcome {
                switch attempt.verdict {
                case .delivered:
                    metrics.accepted(route: route.name, count: appendedEvents.count)
                    return finish(.success(route.endpoint.successAnswer(for: appendedEvents, delivered: true)))
                case .deadLetter(let reason):
                    return finish(.failure(IngressError(.rejected, "Rejected by \(primary.provider.name): \(reason)")))
                case .retry:
                    break
                }
            }
            // Not delivered yet, or the deadline passed: accepted, and delivered from the journal.
            metrics.accepted(route: route.name, count: appendedEvents.count)
            finish(.success(route.endpoint.successAnswer(for: appendedEvents, delivered: false)))
        }) { wait in
            dispatcher.attempt(deliveryId: primaryId, target: primary, request: primaryRequest, previousAttempts: 0) {
                wait.resume(.answered($0))
            }
        }
    }

    /// On a shared journal, a delivery behind earlier ones whose outcomes are known here but not
    /// yet committed is sent only once claimed: another instance may claim it the moment those
    /// commit. The ones another instance got first are left waiting (it sends them).
    private func claimFollowers(_ appendedEvents: [AppendedEvent], _ waiting: inout [[Bool]]) {
        var followers: [(event: Int, target: Int)] = []
        for (e, appended) in appendedEvents.enumerated() {
            for i in appended.deliveryIds.indices where !waiting[e][i] && appended.waits(target: i) { followers.append((e, i)) }
        }
        guard !followers.isEmpty else { return }
        let now = clock.now()
        let claimed = (try? journal.claim(followers.map { appendedEvents[$0.event].deliveryIds[$0.target] }, now: now,
                                          leaseUntil: Instant(milliseconds: now.milliseconds + attemptLeaseMilliseconds))) ?? []
        for (e, i) in followers where !claimed.contains(appendedEvents[e].deliveryIds[i]) { waiting[e][i] = true }
    }
}
