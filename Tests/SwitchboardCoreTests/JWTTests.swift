import Foundation
import SwitchboardCore
import Testing

@Suite struct JWTTests {
    let secret = Secret("builder-secret")
    let claims = JSONObject([(key: "instanceId", value: .string("inst-1")), (key: "exp", value: .integer(2_000))])

    @Test func aSignedTokenVerifiesAndGivesItsClaims() throws {
        let token = JWT.sign(claims, secret: secret)
        #expect(token.split(separator: ".").count == 3)
        let verified = try JWT.verify(Substring(token), secrets: [Secret("other"), secret], now: 1_000)
        #expect(verified["instanceId"] == "inst-1")
    }

    /// The signature, checked against an independent HMAC (openssl).
    @Test func theSignatureIsHMACSHA256OverHeaderDotPayload() throws {
        let token = JWT.sign(JSONObject([(key: "sub", value: "1")]), secret: Secret("k"))
        let parts = token.split(separator: ".")
        #expect(parts[0] == "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", #"{"alg":"HS256","typ":"JWT"}"#)
        #expect(parts[1] == "eyJzdWIiOiIxIn0", #"{"sub":"1"}"#)
        // openssl dgst -sha256 -hmac k -binary <<< header.payload | base64url
        #expect(parts[2] == "q9rSPf4ratZ1Xkhd3M-FudlLIKYdlSzrHeXV7AICSuw")
    }

    @Test func everyWayATokenCanBeWrongIsRefusedWithItsReason() {
        let good = JWT.sign(claims, secret: secret)
        func refusal(_ token: String, now: Int64 = 1_000) -> String? {
            do {
                _ = try JWT.verify(Substring(token), secrets: [secret], now: now)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(refusal(good) == nil)
        #expect(refusal(JWT.sign(claims, secret: Secret("wrong"))) == "The token's signature is not valid.")
        #expect(refusal(good, now: 2_000) == "The token has expired.")
        #expect(refusal("abc") == "The token is not a JWT.")
        let parts = good.split(separator: ".")
        let none = "eyJhbGciOiJub25lIn0." + parts[1] + "."
        #expect(refusal(none) == "The token must be signed with HS256.", "alg none is never accepted")
        let later = JWT.sign(JSONObject([(key: "nbf", value: .integer(5_000))]), secret: secret)
        #expect(refusal(later) == "The token is not valid yet.")
        #expect(refusal(parts[0] + "." + parts[1] + "x." + parts[2]) != nil, "a changed payload breaks the signature")
    }
}
