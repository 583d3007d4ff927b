/// The progress line's rules on a fake terminal and a hand-moved clock: when it is drawn,
/// what it says, that lines printed meanwhile go above it whole, and that it is erased.
import TestSupport
import Testing

@testable import TerminalProgress

/// A clock moved by hand and the bytes the line wrote.
final class FakeTerminal: @unchecked Sendable {
    var now = 100.0
    var bytes: [UInt8] = []
    var columns = 80
    var text: String { String(decoding: bytes, as: UTF8.self) }

    func line(enabled: Bool = true) -> ProgressLine {
        let line = ProgressLine(
            redrawInterval: 0.25, showAfter: 0.3, write: { self.bytes += $0 }, columns: { self.columns },
            clock: { self.now })
        line.isEnabled = enabled
        return line
    }

    /// What a terminal shows after these bytes.
    var screen: [String] { terminalScreen(text) }
}

@Suite struct ProgressLineRules {
    @Test func drawsOnlyOnceTheTaskIsOldEnoughAndAtMostEveryInterval() {
        let t = FakeTerminal()
        let line = t.line()
        let task = line.begin("box.parallel", total: 10)
        line.tick()
        t.now += 0.2
        line.tick()
        #expect(t.bytes.isEmpty, "short work never flashes a line")
        t.now += 0.2
        task.update(done: 2)
        line.tick()
        #expect(t.text == "\rbox.parallel: 2/10\u{1B}[K")
        task.update(done: 3)
        t.now += 0.1
        line.tick()
        #expect(t.text == "\rbox.parallel: 2/10\u{1B}[K", "no redraw within the interval")
        t.now += 0.2
        line.tick()
        // 3 done in 0.7 s since the start.
        #expect(t.text.hasSuffix("\rbox.parallel: 3/10, 4.3/s, 2 s left\u{1B}[K"), "\(t.text)")
        task.end()
        #expect(t.text.hasSuffix("\r\u{1B}[K"))
        #expect(t.screen == [""])
    }

    @Test func linesPrintedMeanwhileGoAboveItWhole() {
        let t = FakeTerminal()
        let line = t.line()
        let task = line.begin("listing users")
        line.printAbove("before")
        t.now += 1
        task.update(done: 3000)
        line.tick()
        line.printAbove("[dry-run] users.update 42 (a@x)")
        line.printAbove("2026-01-01T00:00:00Z INFO hello")
        #expect(
            t.screen == [
                "before", "[dry-run] users.update 42 (a@x)", "2026-01-01T00:00:00Z INFO hello",
                "listing users: 3000, 3000/s",
            ])
        line.clear()
        #expect(t.screen.last == "")
        t.now += 0.3
        line.tick()
        #expect(t.screen.last == "listing users: 3000, 2308/s", "the rate falls while nothing arrives")
        line.endAll()
        #expect(t.screen == ["before", "[dry-run] users.update 42 (a@x)", "2026-01-01T00:00:00Z INFO hello", ""])
    }

    @Test func saysWhenCallsArePausedForA429() {
        let t = FakeTerminal()
        let line = t.line()
        let task = line.begin("apply leavers.plan", total: 40)
        t.now += 2
        task.update(done: 4)
        line.tick(pausedFor: 11.2)
        #expect(t.screen == ["apply leavers.plan: 4/40, 2.0/s, 18 s left, paused for 429 (12 s)"])
    }

    @Test func theFirstTaskIsShownWithACountOfTheOthers() {
        let t = FakeTerminal()
        let line = t.line()
        let outer = line.begin("box.parallel", total: 3)
        t.now += 0.5
        let inner = line.begin("listing users")
        line.tick()
        #expect(t.screen == ["box.parallel: 0/3, 0.0/s (+1 more)"])
        outer.end()
        t.now += 0.5
        line.tick()
        #expect(t.screen == ["listing users: 0, 0.0/s"])
        inner.end()
        #expect(t.screen == [""])
    }

    @Test func neverWiderThanTheTerminal() {
        let t = FakeTerminal()
        t.columns = 20
        let line = t.line()
        _ = line.begin("apply /a/very/long/path/to/the/leavers.plan", total: 40)
        t.now += 1
        line.tick()
        #expect(t.screen == ["apply /a/very/long…"])
        #expect(t.screen[0].count == 19)
    }

    @Test func offItWritesOnlyThePrintedLines() {
        let t = FakeTerminal()
        let line = t.line(enabled: false)
        let task = line.begin("box.parallel", total: 10)
        t.now += 5
        task.update(done: 5)
        line.tick(pausedFor: 3)
        line.printAbove("a line")
        line.clear()
        task.end()
        line.endAll()
        #expect(t.text == "a line\n")
    }

    @Test func ratesAndDurationsReadNaturally() {
        #expect(formatRate(1234.4) == "1234/s")
        #expect(formatRate(3.46) == "3.5/s")
        #expect(formatDuration(0.2) == "1 s")
        #expect(formatDuration(59) == "59 s")
        #expect(formatDuration(185) == "3 min 5 s")
        #expect(formatDuration(7_800) == "2 h 10 min")
    }
}
