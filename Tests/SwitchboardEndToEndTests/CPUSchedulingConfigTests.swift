import SwitchboardApp
import SwitchboardCore
import SwitchboardMapping
import Testing

@Suite struct CPUSchedulingConfigTests {
    private func config(_ extra: String) throws(ConfigProblems) -> Config {
        let text = """
            { "listen": "127.0.0.1:0"\(extra),
              "targets": { "flameup": { "provider": "flameup", "settings": { "workspaceId": "ws_1" },
                                        "secrets": { "token": { "env": "T" } } } },
              "routes": [ { "name": "r", "from": "usercom", "to": "flameup", "keys": { "env": "K" } } ] }
            """
        return try Config.parse(Array(text.utf8), file: "config.json")
    }

    @Test func leftAsStartedUnlessTheConfigSaysBatch() throws {
        #expect(try config("").cpuScheduling == .inherited)
        #expect(try config(#", "cpuScheduling": "batch""#).cpuScheduling == .batch)
    }

    @Test func anUnknownPolicyIsAProblemNamingTheChoices() {
        #expect {
            _ = try config(#", "cpuScheduling": "bach""#)
        } throws: { error in
            "\(error)".contains("/cpuScheduling: 'bach' is not one of default, batch (did you mean 'batch'?)")
        }
    }
}
