@testable import SwitchboardDelivery
import Testing

@Suite struct LinesToFollowTests {
    /// However often a line moves on before it is followed, it is followed once, and only the
    /// first note asks for a pass.
    @Test func aLineNotedAgainBeforeThePassIsFollowedOnce() {
        let lines = LinesToFollow()
        let alice = LinesToFollow.Line(target: "flameup", userId: "alice")
        let bob = LinesToFollow.Line(target: "flameup", userId: "bob")
        let alicePerEmail = LinesToFollow.Line(target: "usercom", userId: "alice")
        #expect(lines.note(alice), "the first line noted schedules a pass")
        #expect(!lines.note(bob), "a pass is already scheduled")
        #expect(!lines.note(alice))
        #expect(!lines.note(alicePerEmail))
        #expect(lines.take() == [alice, bob, alicePerEmail], "once each, in the order noted; a line is its target and user")
        #expect(lines.take() == [])
        #expect(lines.note(alice), "after a pass, a line noted again schedules the next one")
        #expect(lines.take() == [alice])
    }
}
