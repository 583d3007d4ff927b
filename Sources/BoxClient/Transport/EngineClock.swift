/// The time source behind the engine's timers and pauses, so tests can compress waits.
import Glibc

/// Seconds on a clock that only moves forward, and a way to wait on it.
///
/// The engine asks the clock for `now` to decide when timers fire and when a pause ends,
/// and calls `sleep` only when nothing is in flight; a virtual clock can then jump ahead.
public protocol EngineClock: AnyObject {
    var now: Double { get }
    func sleep(_ seconds: Double)
}

/// The real monotonic clock (CLOCK_MONOTONIC), immune to wall-clock changes.
public final class MonotonicClock: EngineClock {
    public init() {}

    public var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var want = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var left = timespec()
        while nanosleep(&want, &left) == -1 && errno == EINTR { want = left }
    }
}

/// A clock whose `sleep` returns at once and moves `now` forward: waits cost nothing,
/// yet every wait is recorded so a test can check what would have been waited.
public final class VirtualClock: EngineClock {
    public private(set) var now: Double
    public private(set) var sleeps: [Double] = []

    public init(start: Double = 1_000) { now = start }

    public func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        sleeps.append(seconds)
        now += seconds
    }
}
