import SwitchboardCore
import Testing

@Suite struct SecretTests {
    @Test func neverPrintsItself() {
        let secret = Secret("ws_live_abc")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(secret.reveal() == "ws_live_abc")
    }

    @Test(arguments: [("abc", true), ("abd", false), ("ab", false), ("abcd", false), ("", false)])
    func matchesOnlyTheExactValue(_ candidate: String, _ expected: Bool) {
        #expect(Secret("abc").matches(Array(candidate.utf8)) == expected)
    }
}
