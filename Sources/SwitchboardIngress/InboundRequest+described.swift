import SwitchboardCore

extension InboundRequest {
    /// A request written as JSON, as fixtures and `translate --request` files hold it:
    /// `{"method": "POST", "path": "/…", "body": {…}}`, or `"bodyText"` for a raw (even broken) body.
    /// Nil without a `path`. It carries no headers.
    public init?(described json: JSONValue, defaultMethod: String) {
        guard let path = json["path"]?.stringValue else { return nil }
        let body = json["bodyText"]?.stringValue ?? json["body"].map(JSONWriter.string) ?? ""
        self.init(method: json["method"]?.stringValue ?? defaultMethod, path: Substring(path), query: nil,
                  header: { _ in nil }, body: Array(body.utf8))
    }
}
