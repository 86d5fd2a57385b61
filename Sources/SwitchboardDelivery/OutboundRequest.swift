import SwitchboardMapping

/// One HTTP request to a vendor, ready to send.
public struct OutboundRequest: Sendable {
    public var method: String
    public var url: String
    /// Header lines, `Name: value`. May hold a credential: never log them.
    public var headers: [String]
    public var body: [UInt8]
    /// A PEM bundle of CAs to trust for this request instead of the transport's.
    public var caFile: String?
    /// Set when this request only comes first (a vendor's prerequisite, e.g. create the user):
    /// its name, and how the request that delivers the event is built from this one's 2xx answer.
    public var then: FollowUp?

    public init(method: String, url: String, headers: [String], body: [UInt8], caFile: String? = nil, then: FollowUp? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.caFile = caFile
        self.then = then
    }

    /// The request that follows a prerequisite.
    public struct FollowUp: Sendable {
        /// The prerequisite endpoint's name, which prefixes the reason when it fails.
        public let step: String
        /// Builds the next request from the prerequisite's answer body.
        public let build: @Sendable ([UInt8]) throws(MappingError) -> OutboundRequest
    }
}

/// What came back: an HTTP status and body, or a transport error from libcurl.
public struct TransportResult: Sendable {
    /// The HTTP status, or nil when no response arrived.
    public var status: Int?
    public var body: [UInt8]
    /// libcurl's result code; 0 when the transfer completed.
    public var curlCode: Int
    /// libcurl's text for `curlCode`, when it is not 0.
    public var curlError: String?
    /// The answer's `Retry-After` header, as sent.
    public var retryAfter: String?

    public init(status: Int?, body: [UInt8], curlCode: Int, curlError: String?, retryAfter: String? = nil) {
        self.status = status
        self.body = body
        self.curlCode = curlCode
        self.curlError = curlError
        self.retryAfter = retryAfter
    }
}

/// Connection settings shared by every request a transport sends.
public struct TransportOptions: Sendable {
    /// The whole request, connect included.
    public var timeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int
    /// A PEM bundle of trusted CAs that replaces the system's; nil keeps the system bundle.
    /// Verification of the peer and its host name is always on.
    public var caFile: String?
    /// Connections kept open per host for reuse.
    public var maxConnectionsPerHost: Int

    public init(timeoutMilliseconds: Int = 10_000, connectTimeoutMilliseconds: Int = 3_000, caFile: String? = nil,
                maxConnectionsPerHost: Int = 64) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.caFile = caFile
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }
}
