import SwitchboardCore

extension Provider {
    static let keys = ["id", "name", "receive", "send"]

    /// Compiles a provider file; mapping files it names are read through `loadMapping`.
    static func compile(
        _ json: JSONValue, file: String, problems: inout [ConfigProblem],
        loadMapping: (String, String, inout [ConfigProblem]) -> Mapping?
    ) -> Provider? {
        guard let reader = JSONReader(json, file: file, pointer: "", allowed: keys, problems: &problems) else { return nil }
        let id = reader.string("id", required: true, problems: &problems)
        let name = reader.string("name", problems: &problems)
        var receive: [InboundEndpoint] = []
        var errors = ErrorAnswers(byKind: [:], fallback: Rule(source: .fields([Rule.Field(key: "message", rule: Rule(source: .paths([Path("error.message")!])))])))
        if let receiveJSON = reader.object["receive"],
            let r = JSONReader(receiveJSON, file: file, pointer: "/receive", allowed: ["endpoints", "errors"], problems: &problems)
        {
            if let endpoints = r.object["endpoints"] {
                receive = compileMembers(endpoints, file: file, at: r.at("endpoints"), problems: &problems) { name, value, at, problems in
                    InboundEndpoint.compile(name: name, value, file: file, at: at, problems: &problems, loadMapping: loadMapping)
                }
            }
            if let errorsJSON = r.object["errors"] {
                errors = ErrorAnswers.compile(errorsJSON, file: file, at: r.at("errors"), problems: &problems) ?? errors
            }
        }
        var send: Outbound?
        if let sendJSON = reader.object["send"] {
            send = Outbound.compile(sendJSON, file: file, problems: &problems, loadMapping: loadMapping)
        }
        guard let id else { return nil }
        return Provider(id: id, name: name ?? id, file: file, receive: receive, errors: errors, send: send)
    }
}

/// Compiles each member of an object with `body`, keeping the order.
func compileMembers<T>(
    _ value: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem],
    _ body: (String, JSONValue, String, inout [ConfigProblem]) -> T?
) -> [T] {
    guard case .object(let object) = value else {
        problems.append(ConfigProblem(file: file, pointer: pointer, message: "must be an object"))
        return []
    }
    return object.members.compactMap { body($0.key, $0.value, "\(pointer)/\(pointerEscape($0.key))", &problems) }
}

extension InboundEndpoint {
    static let keys = ["method", "path", "auth", "maxBodyBytes", "formField", "decode", "list", "answer"]

    static func compile(
        name: String, _ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem],
        loadMapping: (String, String, inout [ConfigProblem]) -> Mapping?
    ) -> InboundEndpoint? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: keys, problems: &problems) else { return nil }
        let method = r.string("method", required: true, problems: &problems)
        let pathText = r.string("path", required: true, problems: &problems)
        let path = pathText.flatMap(PathTemplate.init)
        if pathText != nil, path == nil {
            problems.append(r.problem(at: "path", "must start with '/' and use whole segments like {user_id}"))
        }
        let maxBody = r.int("maxBodyBytes", range: 1...(64 << 20), problems: &problems) ?? (1 << 20)
        var auth: InboundAuth?
        if let authJSON = r.object["auth"],
            let a = JSONReader(authJSON, file: file, pointer: r.at("auth"), allowed: ["header", "scheme", "jwt", "claims"], problems: &problems)
        {
            let jwt = a.string("jwt", problems: &problems)
            if let jwt, jwt != "HS256" { problems.append(a.problem(at: "jwt", "the only JWT algorithm accepted is HS256")) }
            let claims = a.object["claims"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let c = a.object["claims"], c.arrayValue?.count != claims.count || jwt == nil {
                problems.append(a.problem(at: "claims", jwt == nil ? "claims need \"jwt\": \"HS256\"" : "must be a list of claim names"))
            }
            if let header = a.string("header", required: true, problems: &problems) {
                auth = InboundAuth(header: header, scheme: a.string("scheme", problems: &problems), jwt: jwt != nil,
                                   requiredClaims: claims)
            }
        } else if r.object["auth"] == nil {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'auth'"))
        }
        let list = r.object["list"].flatMap { EventList.compile($0, file: file, at: r.at("list"), problems: &problems) }
        if (r.object["list"] == nil) == (r.object["decode"] == nil) {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "needs exactly one of 'decode' (it accepts events) and 'list' (it lists them)"))
        }
        let decode = r.string("decode", problems: &problems).flatMap { loadMapping($0, r.at("decode"), &problems) }
        if let decode, decode.kind != .decode {
            problems.append(r.problem(at: "decode", "'\(decode.file)' is an \(decode.kind.rawValue) mapping, not a decode mapping"))
        }
        var compiler = RuleCompiler(file: file, roots: ["answer"])
        var answer: Answer?
        if let answerJSON = r.object["answer"] {
            answer = Answer.compile(answerJSON, defaultStatus: 200, file: file, at: r.at("answer"), compiler: &compiler, problems: &problems)
        } else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'answer'"))
        }
        problems += compiler.problems
        guard let method, let path, let auth, decode != nil || list != nil, let answer else { return nil }
        return InboundEndpoint(name: name, method: method.uppercased(), path: path, auth: auth, maxBodyBytes: Int(maxBody),
                               formField: r.string("formField", problems: &problems), decode: decode, list: list, answer: answer)
    }
}

extension EventList {
    static func compile(_ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem]) -> EventList? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: ["filters", "item", "maxLimit"], problems: &problems) else { return nil }
        var filterCompiler = RuleCompiler(file: file, roots: ["query", "path", "auth"])
        let filters = r.object["filters"].flatMap { filterCompiler.compile($0, at: r.at("filters")) }
        var itemCompiler = RuleCompiler(file: file, roots: ["event", "id", "receivedAt"])
        let item = r.object["item"].flatMap { itemCompiler.compile($0, at: r.at("item")) }
        problems += filterCompiler.problems + itemCompiler.problems
        for key in ["filters", "item"] where r.object[key] == nil {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key '\(key)'"))
        }
        let maxLimit = r.int("maxLimit", range: 1...10_000, problems: &problems) ?? 1_000
        guard let filters, let item else { return nil }
        return EventList(filters: filters, item: item, maxLimit: Int(maxLimit))
    }
}

extension Answer {
    static func compile(
        _ json: JSONValue, defaultStatus: Int, file: String, at pointer: String, compiler: inout RuleCompiler,
        problems: inout [ConfigProblem]
    ) -> Answer? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: ["status", "body"], problems: &problems) else { return nil }
        let status = r.int("status", range: 100...599, problems: &problems).map(Int.init) ?? defaultStatus
        guard let bodyJSON = r.object["body"] else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'body'"))
            return nil
        }
        return compiler.compile(bodyJSON, at: r.at("body")).map { Answer(status: status, body: $0) }
    }
}

extension ErrorAnswers {
    static func compile(_ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem]) -> ErrorAnswers? {
        let kinds = Kind.allCases.map(\.rawValue)
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: kinds + ["default"], problems: &problems) else { return nil }
        var compiler = RuleCompiler(file: file, roots: ["error"])
        var byKind: [String: Answer] = [:]
        var fallback: Rule?
        for member in r.object.members {
            if member.key == "default" {
                guard let d = JSONReader(member.value, file: file, pointer: r.at("default"), allowed: ["body"], problems: &problems),
                    let body = d.object["body"]
                else { continue }
                fallback = compiler.compile(body, at: d.at("body"))
            } else if let kind = Kind(rawValue: member.key) {
                byKind[member.key] = Answer.compile(member.value, defaultStatus: kind.defaultStatus, file: file,
                                                    at: r.at(member.key), compiler: &compiler, problems: &problems)
            }
        }
        problems += compiler.problems
        guard let fallback else {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'default' (the body of any error not listed)"))
            return nil
        }
        return ErrorAnswers(byKind: byKind, fallback: fallback)
    }
}

extension Outbound {
    static let keys = ["baseURL", "regions", "settings", "endpoints", "errorMessage", "rateLimit", "rules"]

    static func compile(
        _ json: JSONValue, file: String, problems: inout [ConfigProblem],
        loadMapping: (String, String, inout [ConfigProblem]) -> Mapping?
    ) -> Outbound? {
        guard let r = JSONReader(json, file: file, pointer: "/send", allowed: keys, problems: &problems) else { return nil }
        let baseURL = r.string("baseURL", problems: &problems)
        var settings: [String] = []
        if let s = r.object["settings"] {
            settings = s.arrayValue?.compactMap(\.stringValue) ?? []
            if s.arrayValue?.count != settings.count {
                problems.append(r.problem(at: "settings", "must be a list of setting names"))
            }
        }
        var errorMessage: [Path] = []
        if let paths = r.object["errorMessage"] {
            var compiler = RuleCompiler(file: file, roots: ["body"])
            if let rule = compiler.compile(["from": paths], at: r.at("errorMessage")), case .paths(let p) = rule.source {
                errorMessage = p
            }
            problems += compiler.problems
        }
        var endpoints: [OutboundEndpoint] = []
        if let e = r.object["endpoints"] {
            endpoints = compileMembers(e, file: file, at: r.at("endpoints"), problems: &problems) { name, value, at, problems in
                OutboundEndpoint.compile(name: name, value, file: file, at: at, problems: &problems, loadMapping: loadMapping)
            }
        } else {
            problems.append(ConfigProblem(file: file, pointer: "/send", message: "missing key 'endpoints'"))
        }
        for endpoint in endpoints {
            guard let before = endpoint.before else { continue }
            let pointer = "/send/endpoints/\(pointerEscape(endpoint.name))/before"
            guard let first = endpoints.first(where: { $0.name == before }) else {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "no endpoint '\(before)'\(Suggestion.hint(for: before, in: endpoints.map(\.name)))"))
                continue
            }
            if first.before != nil || first.name == endpoint.name {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "'\(before)' has a 'before' of its own; only one request may come first"))
            }
        }
        let regions = Dictionary(r.stringMembers("regions", "must be an object of region names to base URLs", problems: &problems) ?? [],
                                 uniquingKeysWith: { a, _ in a })
        let rateLimit = r.object["rateLimit"].flatMap { RateLimit.parse($0, file: file, at: r.at("rateLimit"), problems: &problems) }
        var rules: [VendorRule] = []
        if let list = r.object["rules"] {
            if let items = list.arrayValue {
                rules = items.enumerated().compactMap { VendorRule.compile($1, file: file, at: "\(r.at("rules"))/\($0)", problems: &problems) }
            } else {
                problems.append(r.problem(at: "rules", "must be a list of rules"))
            }
        }
        return Outbound(baseURL: baseURL, settings: settings, endpoints: endpoints, errorMessage: errorMessage, regions: regions,
                        rateLimit: rateLimit, rules: rules)
    }
}

extension OutboundEndpoint {
    static let keys = ["method", "path", "headers", "auth", "encode", "request", "before"]

    static func compile(
        name: String, _ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem],
        loadMapping: (String, String, inout [ConfigProblem]) -> Mapping?
    ) -> OutboundEndpoint? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: keys, problems: &problems) else { return nil }
        let method = r.string("method", required: true, problems: &problems)
        var path: Template?
        if let text = r.string("path", required: true, problems: &problems) {
            do {
                let template = try Template(parsing: text)
                let roots = ["settings", "event"] + (r.object["before"] != nil ? ["prior"] : [])
                for p in template.paths where !roots.contains(p.root) {
                    problems.append(r.problem(at: "path", "a path placeholder reads \(roots.joined(separator: ", ")), e.g. {settings.workspaceId}; found {\(p)}"))
                }
                path = template
            } catch {
                problems.append(r.problem(at: "path", error.message))
            }
        }
        let headers = r.stringMembers("headers", "must be an object of header names to string values", problems: &problems) ?? []
        var auth: OutboundAuth?
        if let a = r.object["auth"],
            let ar = JSONReader(a, file: file, pointer: r.at("auth"), allowed: ["header", "scheme", "secret", "jwtClaims"], problems: &problems),
            let header = ar.string("header", required: true, problems: &problems),
            let secret = ar.string("secret", required: true, problems: &problems)
        {
            var claims: [(String, Template)]?
            if let c = ar.object["jwtClaims"] {
                claims = []
                if case .object(let o) = c {
                    for m in o.members {
                        guard let text = m.value.stringValue, let t = try? Template(parsing: text), t.paths.allSatisfy({ $0.root == "settings" }) else {
                            problems.append(ConfigProblem(file: file, pointer: ar.at("jwtClaims") + "/" + pointerEscape(m.key),
                                                          message: "must be text, with placeholders that read settings"))
                            continue
                        }
                        claims?.append((m.key, t))
                    }
                } else {
                    problems.append(ar.problem(at: "jwtClaims", "must be an object of claim names to templates"))
                }
            }
            auth = OutboundAuth(header: header, scheme: ar.string("scheme", problems: &problems), secret: secret, jwtClaims: claims)
        }
        let encode = r.string("encode", problems: &problems).flatMap { loadMapping($0, r.at("encode"), &problems) }
        if r.object["encode"] == nil, method?.uppercased() != "GET" {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'encode' (only a GET may send no body)"))
        }
        if let encode, encode.kind != .encode {
            problems.append(r.problem(at: "encode", "'\(encode.file)' is a \(encode.kind.rawValue) mapping, not an encode mapping"))
        }
        let request = r.object["request"].flatMap { RequestSchema.compile($0, file: file, at: r.at("request"), problems: &problems) }
        guard let method, let path else { return nil }
        return OutboundEndpoint(name: name, method: method.uppercased(), path: path, headers: headers, auth: auth, encode: encode,
                                request: request, before: r.string("before", problems: &problems))
    }
}

extension RateLimit {
    /// Reads `{"requests": N, "perSeconds": S}` from a provider file or a config.
    public static func parse(_ json: JSONValue, file: String, at pointer: String, problems: inout [ConfigProblem]) -> RateLimit? {
        guard let r = JSONReader(json, file: file, pointer: pointer, allowed: ["requests", "perSeconds"], problems: &problems) else { return nil }
        let requests = r.int("requests", range: 1...1_000_000, problems: &problems)
        let per = r.int("perSeconds", range: 1...86_400, problems: &problems)
        guard let requests, let per else {
            if r.object["requests"] == nil || r.object["perSeconds"] == nil {
                problems.append(ConfigProblem(file: file, pointer: pointer, message: "needs 'requests' and 'perSeconds'"))
            }
            return nil
        }
        return RateLimit(requests: Int(requests), perSeconds: Int(per))
    }
}
