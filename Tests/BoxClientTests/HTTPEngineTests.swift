/// The engine's own clockwork: timers in order, pauses that hold new transfers, idleness.
import Testing
@testable import BoxClient

struct HTTPEngineTests {
    @Test func timersFireInOrderOnTheVirtualClock() {
        let clock = VirtualClock(start: 100)
        let engine = HTTPEngine(clock: clock)
        var fired: [String] = []
        engine.schedule(after: 3) { fired.append("c") }
        engine.schedule(after: 1) { fired.append("a") }
        let cancelled = engine.schedule(after: 2) { fired.append("never") }
        engine.schedule(after: 2) {
            fired.append("b")
            engine.schedule(after: 0) { fired.append("b2") }
        }
        engine.cancelTimer(cancelled)
        engine.run { false }
        #expect(fired == ["a", "b", "b2", "c"])
        #expect(clock.now == 103)
        #expect(engine.isIdle)
    }

    @Test func aPauseHoldsTransfersUntilItEnds() {
        let clock = VirtualClock(start: 0)
        let engine = HTTPEngine(settings: EngineSettings(connectTimeout: 1, timeout: 2), clock: clock)
        engine.pause(until: 7)
        engine.pause(until: 3)  // never moves a pause back
        #expect(engine.pausedUntil == 7)
        var startedAt: Double?
        engine.submit(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/")) { _ in startedAt = clock.now }
        engine.run { startedAt != nil }
        // The refused connection could only be tried once the pause was over.
        #expect((startedAt ?? 0) >= 7)
    }
}
