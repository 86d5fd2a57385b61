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
    static let keys = ["method", "path", "auth", "maxBodyBytes", "decode", "answer"]

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
            let a = JSONReader(authJSON, file: file, pointer: r.at("auth"), allowed: ["header", "scheme"], problems: &problems)
        {
            if let header = a.string("header", required: true, problems: &problems) {
                auth = InboundAuth(header: header, scheme: a.string("scheme", problems: &problems))
            }
        } else if r.object["auth"] == nil {
            problems.append(ConfigProblem(file: file, pointer: pointer, message: "missing key 'auth'"))
        }
        let decode = r.string("decode", required: true, problems: &problems).flatMap { loadMapping($0, r.at("decode"), &problems) }
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
        guard let method, let path, let auth, let decode, let answer else { return nil }
        return InboundEndpoint(name: name, method: method.uppercased(), path: path, auth: auth, maxBodyBytes: Int(maxBody),
                               decode: decode, answer: answer)
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
    static let keys = ["baseURL", "settings", "endpoints", "errorMessage"]

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
        return Outbound(baseURL: baseURL, settings: settings, endpoints: endpoints, errorMessage: errorMessage)
    }
}

extension OutboundEndpoint {
    static let keys = ["method", "path", "headers", "auth", "encode", "request"]

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
                for p in template.paths where p.root != "settings" {
                    problems.append(r.problem(at: "path", "a path placeholder reads settings, e.g. {settings.workspaceId}; found {\(p)}"))
                }
                path = template
            } catch {
                problems.append(r.problem(at: "path", error.message))
            }
        }
        var headers: [(String, String)] = []
        if let h = r.object["headers"] {
            if case .object(let o) = h, o.members.allSatisfy({ $0.value.stringValue != nil }) {
                headers = o.members.map { ($0.key, $0.value.stringValue!) }
            } else {
                problems.append(r.problem(at: "headers", "must be an object of header names to string values"))
            }
        }
        var auth: OutboundAuth?
        if let a = r.object["auth"],
            let ar = JSONReader(a, file: file, pointer: r.at("auth"), allowed: ["header", "scheme", "secret"], problems: &problems),
            let header = ar.string("header", required: true, problems: &problems),
            let secret = ar.string("secret", required: true, problems: &problems)
        {
            auth = OutboundAuth(header: header, scheme: ar.string("scheme", problems: &problems), secret: secret)
        }
        let encode = r.string("encode", required: true, problems: &problems).flatMap { loadMapping($0, r.at("encode"), &problems) }
        if let encode, encode.kind != .encode {
            problems.append(r.problem(at: "encode", "'\(encode.file)' is a \(encode.kind.rawValue) mapping, not an encode mapping"))
        }
        let request = r.object["request"].flatMap { RequestSchema.compile($0, file: file, at: r.at("request"), problems: &problems) }
        guard let method, let path, let encode else { return nil }
        return OutboundEndpoint(name: name, method: method.uppercased(), path: path, headers: headers, auth: auth, encode: encode,
                                request: request)
    }
}
