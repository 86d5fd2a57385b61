/// What goes wrong during a fault run.
public enum FaultScenario: String, Sendable, CaseIterable {
    /// Nothing: the baseline the counting rule must also hold for.
    case none
    /// The gateway is killed with SIGKILL and started again, over and over.
    case kill
    /// The gateway is stopped with SIGTERM (it drains, then exits) and started again, over and over.
    case sigterm
    /// The vendor goes down in turn three ways (connection refused, 503s, answers slower than the
    /// gateway's timeout) and comes back each time.
    case vendorDown = "vendor-down"
    /// Several instances share one PostgreSQL journal; one is killed with SIGKILL midway and stays
    /// down: the others take its users and, once its leases run out, its deliveries.
    case fleetKill = "fleet-kill"
}
