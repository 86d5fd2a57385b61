import Crypto
import Foundation

/// HS256 JSON Web Tokens (RFC 7519): signed with a shared secret, as the Builder SDK's
/// `instance-jwt` header is. Only HS256 is accepted; `none` and every other algorithm are refused.
public enum JWT {
    /// Why a token was refused. The text names the problem, never the token or the secret.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// A compact HS256 token for `claims` (written in the given order).
    public static func sign(_ claims: JSONObject, secret: Secret) -> String {
        let header = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = base64URL(JSONWriter.bytes(.object(claims)))
        let input = header + "." + payload
        return input + "." + base64URL(mac(Array(input.utf8), secret: secret))
    }

    /// The claims of a token signed with one of `secrets`, after checking its header, signature
    /// (in constant time) and, when present, `exp` and `nbf` against `now` (Unix seconds).
    /// - Throws: ``Refusal`` naming what is wrong.
    public static func verify(_ token: Substring, secrets: [Secret], now: Int64) throws(Refusal) -> JSONObject {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = decodeBase64URL(parts[0]), let payloadBytes = decodeBase64URL(parts[1]),
            let signature = decodeBase64URL(parts[2])
        else { throw Refusal(description: "The token is not a JWT.") }
        guard let header = try? JSONParser.parse(headerBytes), header["alg"]?.stringValue == "HS256" else {
            throw Refusal(description: "The token must be signed with HS256.")
        }
        let input = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        var matched = false
        for secret in secrets {
            let expected = mac(input, secret: secret)
            var difference = UInt8(expected.count == signature.count ? 0 : 1)
            for (a, b) in zip(expected, signature) { difference |= a ^ b }
            matched = difference == 0 || matched
        }
        guard matched else { throw Refusal(description: "The token's signature is not valid.") }
        guard let payload = try? JSONParser.parse(payloadBytes), case .object(let claims) = payload else {
            throw Refusal(description: "The token's payload is not a JSON object.")
        }
        if let exp = claims["exp"] {
            guard let seconds = exp.numberValue?.int64Value else { throw Refusal(description: "The token's exp is not a number.") }
            if seconds <= now { throw Refusal(description: "The token has expired.") }
        }
        if let nbf = claims["nbf"] {
            guard let seconds = nbf.numberValue?.int64Value else { throw Refusal(description: "The token's nbf is not a number.") }
            if seconds > now { throw Refusal(description: "The token is not valid yet.") }
        }
        return claims
    }

    private static func mac(_ input: [UInt8], secret: Secret) -> [UInt8] {
        let key = SymmetricKey(data: Array(secret.reveal().utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: input, using: key))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !s.contains("=") else { return nil }
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
