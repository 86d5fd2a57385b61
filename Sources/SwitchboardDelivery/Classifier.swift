/// What to do after an attempt.
public enum Verdict: Sendable, Equatable {
    case delivered
    /// Try again later; the reason is recorded.
    case retry(String)
    /// Give up and keep the event as a dead letter with this reason.
    case deadLetter(String)

    /// True when no further attempt follows (delivered or dead-lettered).
    public var isFinal: Bool {
        if case .retry = self { return false }
        return true
    }
}

/// Classifies an attempt's result. A pure function of the status and libcurl's code:
///
/// | result | verdict |
/// | --- | --- |
/// | 2xx | delivered |
/// | 408, 425, 429, 5xx except 501 and 505 | retry |
/// | 501, 505, other 3xx and 4xx | dead letter |
/// | TLS failures (certificate, handshake) | retry, reason starts with `tls:` |
/// | other transport failures (refused, reset, timeout, DNS) | retry, reason starts with `network:` |
/// | a malformed URL or unsupported protocol | dead letter (the config is wrong) |
public enum Classifier {
    /// libcurl codes for TLS problems (handshake, certificate, CA file, pinning).
    static let tlsCodes: Set<Int> = [35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98]
    /// libcurl codes that no retry can fix: unsupported protocol, bad URL.
    static let configCodes: Set<Int> = [1, 3]

    public static func classify(_ result: TransportResult, vendorReason: String? = nil) -> Verdict {
        guard let status = result.status else {
            let text = "\(result.curlError ?? "transfer failed") (curl \(result.curlCode))"
            if configCodes.contains(result.curlCode) { return .deadLetter("config: \(text)") }
            if tlsCodes.contains(result.curlCode) { return .retry("tls: \(text)") }
            return .retry("network: \(text)")
        }
        let reason = "HTTP \(status)" + (vendorReason.map { ": \($0)" } ?? "")
        switch status {
        case 200..<300: return .delivered
        case 501, 505: return .deadLetter(reason)
        case 408, 425, 429, 500..<600: return .retry(reason)
        default: return .deadLetter(reason)
        }
    }
}
