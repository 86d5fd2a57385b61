import SwitchboardCore

/// The sandbox's config: a target for every vendor and a route from every vendor to every other.
///
/// Each inbound vendor is served at its own paths with a route to its usual counterpart
/// (Flameup, or user.com for Flameup itself); `/to/<target>` before a vendor's path routes it to
/// that target instead (e.g. `/to/gainsightpx/v1/event/` is Vibetrace → Gainsight PX).
public enum SandboxConfig {
    /// Inbound vendors in the order the banner lists them.
    public static let inbound = ["usercom", "vibetrace", "gainsightpx", "flameup", "builder"]
    /// Their other endpoints that accept events, routed like `track` (route names add the endpoint).
    public static let otherEndpoints = [("usercom", "trackByUserId"), ("flameup", "trackBatch")]

    /// Targets by name: provider, endpoint, settings, and the secret names they need.
    public static let targets: [(name: String, provider: String, endpoint: String, settings: [String: String], secrets: [String])] = [
        ("flameup", "flameup", "track", ["workspaceId": "ws_sandbox"], ["token"]),
        ("usercom", "usercom", "track", ["appSubdomain": "sandbox"], ["token"]),
        ("usercom-by-email", "usercom", "trackByEmail", ["appSubdomain": "sandbox"], ["token"]),
        ("vibetrace", "vibetrace", "track", [:], ["apiKey"]),
        ("gainsightpx", "gainsightpx", "track", ["propertyKey": "AP-SANDBOX-1"], ["apiKey"]),
        ("builder", "builder", "track", ["instanceId": "sandbox-instance"], ["jwtSecret"]),
    ]

    /// The key an app of `vendor` sends in the sandbox (for Builder, the JWT secret).
    public static func appKey(_ vendor: String) -> String { "sandbox-\(vendor)-key" }

    /// The target an inbound vendor goes to at its own paths.
    public static func usualTarget(of vendor: String) -> String { vendor == "flameup" ? "usercom" : "flameup" }

    /// The environment variable holding a secret of a target, or an inbound vendor's app key.
    public static func variable(_ owner: String, _ secret: String) -> String {
        "SWITCHBOARD_SANDBOX_\(owner.uppercased().replacingOccurrences(of: "-", with: "_"))_\(secret.uppercased())"
    }

    public static var json: JSONValue {
        var targetMembers: [(key: String, value: JSONValue)] = []
        for t in targets {
            let settings = JSONObject(t.settings.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) })
            let secrets = JSONObject(t.secrets.map { (key: $0, value: ["env": .string(variable(t.name, $0))]) })
            var target = JSONObject([
                (key: "provider", value: .string(t.provider)), (key: "endpoint", value: .string(t.endpoint)),
                (key: "settings", value: .object(settings)), (key: "secrets", value: .object(secrets)),
            ])
            // A Builder server is the app owner's own; the sandbox points it at its mock.
            if t.provider == "builder" { target.set("baseURL", "https://builder-server.example") }
            targetMembers.append((key: t.name, value: .object(target)))
        }
        var routes: [JSONValue] = []
        for (from, endpoint) in inbound.map({ ($0, "track") }) + otherEndpoints {
            let keys: JSONValue = ["env": .string(variable(from, "key"))]
            let usual = usualTarget(of: from)
            let name = endpoint == "track" ? from : "\(from)-\(endpoint)"
            routes.append(["name": .string("\(name)-to-\(usual)"), "from": .string(from), "endpoint": .string(endpoint),
                           "to": .string(usual), "keys": keys, "mode": "forward", "deadlineMs": 2000])
            for t in targets where t.name != usual {
                routes.append(["name": .string("\(name)-to-\(t.name)"), "from": .string(from), "endpoint": .string(endpoint),
                               "to": .string(t.name), "keys": keys, "mode": "forward", "deadlineMs": 2000,
                               "prefix": .string("/to/\(t.name)")])
            }
        }
        // Builder's getEvents answers from the journal: every event above, whichever vendor sent it.
        routes.append(["name": "builder-events", "from": "builder", "endpoint": "getEvents",
                       "keys": ["env": .string(variable("builder", "key"))]])
        return ["listen": "127.0.0.1:8080", "targets": .object(JSONObject(targetMembers)), "routes": .array(routes)]
    }
}
