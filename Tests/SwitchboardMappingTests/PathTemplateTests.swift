import SwitchboardMapping
import Testing

@Suite struct PathTemplateTests {
    let template = PathTemplate("/api/public/users-by-id/{user_id}/events/")!

    @Test func matchesAndPercentDecodes() {
        #expect(template.match("/api/public/users-by-id/u%40example.com/events/")?.first?.1 == "u@example.com")
        #expect(template.match("/api/public/users-by-id/a%20b/events/")?.first?.1 == "a b")
        #expect(template.match("/api/public/users-by-id/u1/events/")?.first?.0 == "user_id")
    }

    @Test(arguments: ["/api/public/users-by-id/u1/events", "/api/public/users-by-id//events/",
                      "/api/public/users-by-id/u1/events/x", "/api/public/users-by-id/%zz/events/", "api/public"])
    func rejects(_ path: String) {
        #expect(template.match(Substring(path)) == nil)
    }

    @Test func encodesSegments() {
        #expect(PercentDecoding.encodeSegment("ws 1/é") == "ws%201%2F%C3%A9")
    }
}
