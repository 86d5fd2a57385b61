import Foundation
import SwitchboardApp
import Testing

@Suite struct BackfillProgressTests {
    final class Output: @unchecked Sendable {
        var text = ""
        let lock = NSLock()
        func append(_ s: String) { lock.withLock { text += s } }
    }

    @Test func aTerminalGetsABarRedrawnInPlaceAndAPipeGetsLines() {
        let bar = Output()
        let terminal = BackfillProgress(terminal: true) { bar.append($0) }
        terminal.update(done: 0, total: 200)
        terminal.update(done: 50, total: 200)
        terminal.finish()
        #expect(bar.text.contains("\r\u{1B}[K[#######.......................] 50/200 events"))
        #expect(bar.text.contains("ETA"))
        #expect(bar.text.hasSuffix("backfill: 50/200 events in 0s\n"))

        let lines = Output()
        let plain = BackfillProgress(terminal: false) { lines.append($0) }
        plain.update(done: 10, total: 200)
        plain.update(done: 20, total: 200)
        plain.finish()
        #expect(!lines.text.contains("\r"), "no control characters in a log")
        #expect(lines.text == "backfill: 10/200 events  0/s  ETA –\nbackfill: 20/200 events in 0s\n", "one line per few seconds, then the summary")
    }
}
