import Foundation
import Prometheus
import SwitchboardCore
import SwitchboardJournal

/// The gateway's metrics in Prometheus' text format, named by Vector's instrumentation
/// conventions (`switchboard_<noun>_<unit>_total`, an `error_type` label from a small set).
public final class PrometheusMetrics: EventMetrics, @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    private let lock = NSLock()
    private var counters: [Key: Counter] = [:]
    private var histograms: [Key: ValueHistogram] = [:]
    private var circuits: [String: Gauge] = [:]
    private let dropped: Counter
    private let backlog: Gauge
    private let backlogAge: Gauge

    public init() {
        dropped = registry.makeCounter(descriptor: Self.named(
            "switchboard_events_dropped_total",
            "Accepted events lost. Always 0: a failure is retried or dead-lettered, never dropped."))
        backlog = registry.makeGauge(descriptor: Self.named("switchboard_backlog_deliveries", "Deliveries waiting for an attempt."))
        backlogAge = registry.makeGauge(descriptor: Self.named(
            "switchboard_backlog_oldest_age_seconds", "Age of the oldest event with a delivery still waiting."))
    }

    public func journaled(route: String, count: Int) {
        counter("switchboard_events_journaled_total", ("route", route), help: "Events committed to the journal.")
            .increment(by: Int64(count))
    }

    public func accepted(route: String, count: Int) {
        counter("switchboard_events_accepted_total", ("route", route),
                help: "Events answered with success (all journaled; an event the primary target refused for good is journaled but not accepted).")
            .increment(by: Int64(count))
    }

    public func rejected(route: String, errorType: String) {
        counter("switchboard_requests_rejected_total", ("route", route), ("error_type", errorType),
                help: "Requests answered with an error (nothing was stored, or the primary target refused the event for good).")
            .increment()
    }

    public func delivered(target: String, seconds: Double) {
        counter("switchboard_deliveries_delivered_total", ("target", target), help: "Deliveries the vendor accepted.").increment()
        histogram("switchboard_delivery_duration_seconds", ("target", target),
                  "Time from sending a delivery to the vendor's success answer.").record(seconds)
    }

    public func answered(route: String, seconds: Double) {
        histogram("switchboard_request_duration_seconds", ("route", route),
                  "Time from an app's request to the gateway's answer (forward mode includes the vendor's answer).").record(seconds)
    }

    public func retried(target: String, errorType: String) {
        counter("switchboard_deliveries_retried_total", ("target", target), ("error_type", errorType),
                help: "Failed attempts that will be tried again.").increment()
    }

    public func deadLettered(target: String, errorType: String) {
        counter("switchboard_deliveries_dead_lettered_total", ("target", target), ("error_type", errorType),
                help: "Deliveries given up on, kept with their reason for replay.").increment()
    }

    public func skipped(target: String) {
        counter("switchboard_deliveries_skipped_total", ("target", target),
                help: "Deliveries left out by the target vendor's rules (duplicates, throttled, bot traffic); never sent.").increment()
    }

    public func circuit(target: String, open: Bool) {
        let gauge = lock.withLock { () -> Gauge in
            if let existing = circuits[target] { return existing }
            let made = registry.makeGauge(
                descriptor: Self.named("switchboard_target_circuit_open",
                                       "1 while the target's circuit breaker holds deliveries back (the target looks down)."),
                labels: [("target", target)])
            circuits[target] = made
            return made
        }
        gauge.set(Int64(open ? 1 : 0))
    }

    /// The text for `GET /metrics`, with the backlog read from the journal now.
    public func render(journal: any Journal, now: Instant) -> [UInt8] {
        if let (count, oldest) = try? journal.backlog() {
            backlog.set(Int64(count))
            backlogAge.set(oldest.map { Double(now.milliseconds - $0.milliseconds) / 1000 } ?? 0)
        }
        return registry.emitToBuffer()
    }

    /// A whole metric name (its unit already in it) with its help text.
    private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// A metric by its name's literal, hashed by address (several are counted per request), and
    /// its (at most two) label values.
    private struct Key: Hashable {
        let name: UInt
        let first: String
        let second: String

        init(_ name: StaticString, _ first: String, _ second: String) {
            self.name = UInt(bitPattern: name.utf8Start)
            self.first = first
            self.second = second
        }
    }

    private func counter(_ name: StaticString, _ first: (String, String), _ second: (String, String)? = nil, help: String)
        -> Counter
    {
        let key = Key(name, first.1, second?.1 ?? "")
        return lock.withLock {
            if let existing = counters[key] { return existing }
            let made = registry.makeCounter(descriptor: Self.named("\(name)", help), labels: [first] + (second.map { [$0] } ?? []))
            counters[key] = made
            return made
        }
    }

    private func histogram(_ name: StaticString, _ label: (String, String), _ help: String) -> ValueHistogram {
        let key = Key(name, label.1, "")
        return lock.withLock {
            if let existing = histograms[key] { return existing }
            let made = registry.makeValueHistogram(
                descriptor: Self.named("\(name)", help), labels: [label],
                buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
            histograms[key] = made
            return made
        }
    }
}
