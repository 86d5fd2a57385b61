import SwitchboardCore

extension InboundRequest {
    /// A request written as JSON, as fixtures and `translate --request` files hold it:
    /// `{"method": "POST", "path": "/…?query", "headers": {"Content-Type": …}, "body": {…}}`, or
    /// `"bodyText"` for a raw (even broken) body. Nil without a `path`.
    public init?(described json: JSONValue, defaultMethod: String) {
        guard let target = json["path"]?.stringValue else { return nil }
        let body = json["bodyText"]?.stringValue ?? json["body"].map(JSONWriter.string) ?? ""
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let headers = (json["headers"]?.objectValue?.members ?? []).compactMap { member in
            member.value.stringValue.map { (member.key.lowercased(), $0) }
        }
        self.init(method: json["method"]?.stringValue ?? defaultMethod, path: parts[0], query: parts.count > 1 ? parts[1] : nil,
                  header: { name in headers.first { $0.0 == name.lowercased() }?.1 }, body: Array(body.utf8))
    }
}
