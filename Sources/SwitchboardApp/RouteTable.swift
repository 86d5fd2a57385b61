import SwitchboardCore
import SwitchboardDelivery
import SwitchboardIngress
import SwitchboardMapping

/// The config's targets and routes, resolved against the mappings and the secrets.
public struct RouteTable: Sendable {
    public let targets: [String: DeliveryTarget]
    public let routes: [InboundRoute]

    /// - Parameter redactSecrets: use `<redacted>` for every secret instead of reading it (for dry
    ///   runs, which send nothing and print requests).
    /// - Throws: ``ConfigProblems`` with every problem found.
    public init(
        config: Config, mappings: MappingSet, environment: [String: String], mappingClock: any SwitchboardClock,
        redactSecrets: Bool = false
    ) throws(ConfigProblems) {
        var problems: [ConfigProblem] = []
        var targets: [String: DeliveryTarget] = [:]
        for (name, target) in config.targets.sorted(by: { $0.key < $1.key }) {
            do {
                targets[name] = try Self.buildTarget(name, target, mappings: mappings, environment: environment,
                                                     clock: mappingClock, redactSecrets: redactSecrets)
            } catch {
                problems += error.problems
            }
        }
        var routes: [InboundRoute] = []
        for (i, route) in config.routes.enumerated() {
            let pointer = "/routes/\(i)"
            guard let provider = mappings.provider(route.provider) else {
                problems.append(ConfigProblem(file: "config", pointer: pointer, message: "no provider '\(route.provider)' in \(config.mappings)/providers"))
                continue
            }
            guard let endpoint = provider.receive.first(where: { $0.name == route.endpoint }) else {
                problems.append(ConfigProblem(file: "config", pointer: pointer, message: "\(provider.name) has no inbound endpoint '\(route.endpoint)'"))
                continue
            }
            var keys: [Secret] = []
            if !redactSecrets {
                do {
                    keys = try route.keys.readKeys(environment: environment)
                } catch {
                    problems += error.problems
                    continue
                }
            }
            if endpoint.list == nil, route.primary == nil {
                problems.append(ConfigProblem(file: "config", pointer: pointer, message: "missing key 'to' (the route's primary target)"))
                continue
            }
            if endpoint.list != nil, route.primary != nil || !route.shadows.isEmpty {
                problems.append(ConfigProblem(file: "config", pointer: pointer, message: "\(provider.name)'s '\(endpoint.name)' lists journaled events; it has no targets"))
                continue
            }
            let primary = route.primary.flatMap { targets[$0] }
            if route.primary != nil, primary == nil { continue }
            routes.append(InboundRoute(
                name: route.name, provider: provider, endpoint: endpoint, keys: keys, primary: primary,
                shadows: route.shadows.compactMap { targets[$0] }, mode: route.mode,
                deadline: .milliseconds(route.deadlineMilliseconds), prefix: route.prefix))
        }
        guard problems.isEmpty else { throw ConfigProblems(problems) }
        self.targets = targets
        self.routes = routes
    }

    public func route(_ name: String) -> InboundRoute? {
        routes.first { $0.name == name }
    }

    private static func buildTarget(
        _ name: String, _ target: Config.Target, mappings: MappingSet, environment: [String: String],
        clock: any SwitchboardClock, redactSecrets: Bool
    ) throws(ConfigProblems) -> DeliveryTarget {
        let pointer = "/targets/\(name)"
        guard let provider = mappings.provider(target.provider) else {
            throw ConfigProblems([ConfigProblem(file: "config", pointer: pointer, message: "no provider '\(target.provider)' in \(mappings.directory)/providers")])
        }
        guard let endpoint = provider.send?.endpoint(target.endpoint) else {
            throw ConfigProblems([ConfigProblem(file: "config", pointer: pointer, message: "\(provider.name) has no outbound endpoint '\(target.endpoint)'")])
        }
        var secrets: [String: Secret] = [:]
        if redactSecrets {
            if let auth = endpoint.auth { secrets[auth.secret] = Secret("<redacted>") }
        } else {
            for (secretName, source) in target.secrets {
                secrets[secretName] = Secret(try source.read(environment: environment))
            }
        }
        return try DeliveryTarget(
            name: name, provider: provider, endpoint: endpoint, url: target.url, baseURL: target.baseURL, region: target.region,
            settings: target.settings, secrets: secrets, caFile: target.caFile, rateLimit: target.rateLimit, clock: clock,
            file: "config")
    }
}
