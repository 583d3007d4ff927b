/// Box's kind of rate limit (`--faults rate_limit=N/min[,burst=B]`): a token bucket per user.
///
/// Box limits each user to about 1000 API calls a minute and answers 429
/// `rate_limit_exceeded` with a `retry-after` header in whole seconds once the limit is hit
/// (developer.box.com/guides/api-calls/permissions-and-errors/rate-limits; README "Rate limits").
import FoundationEssentials
import Glibc

/// One user's bucket: `capacity` tokens when full, refilled at `perSecond`; a request takes one.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Double
    public let perSecond: Double
    public private(set) var tokens: Double
    private var updatedAt: Double

    /// A full bucket at `now` (seconds on any monotonic clock).
    public init(capacity: Int, perMinute: Int, now: Double) {
        self.capacity = Double(max(1, capacity))
        self.perSecond = Double(max(1, perMinute)) / 60
        self.tokens = self.capacity
        self.updatedAt = now
    }

    /// Takes a token for a request at `now`: nil when there was one, else the `Retry-After`
    /// the bucket implies: the whole seconds until a token is back, at least 1.
    public mutating func take(now: Double) -> Int? {
        if now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * perSecond)
            updatedAt = now
        }
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
    }
}

/// The buckets of every user, made full on a user's first request; a change of the limit
/// (faults can change while the sandbox runs) starts them all afresh.
final class RateLimiter {
    private var buckets: [String: TokenBucket] = [:]
    private var limit: (perMinute: Int, capacity: Int) = (0, 0)

    /// Admits a request of `userID` at `now`, or returns the Retry-After seconds of its 429.
    func admit(userID: String, faults: Faults, now: Double) -> Int? {
        guard faults.rateLimitPerMinute > 0 else { return nil }
        let wanted = (faults.rateLimitPerMinute, faults.rateLimitCapacity)
        if wanted != limit {
            limit = wanted
            buckets.removeAll()
        }
        var bucket = buckets[userID] ?? TokenBucket(capacity: wanted.1, perMinute: wanted.0, now: now)
        defer { buckets[userID] = bucket }
        return bucket.take(now: now)
    }
}

/// Seconds on a monotonic clock, for the buckets.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension BoxErrorReply {
    /// Box's 429 (README "Rate limits" cites its body and header).
    static func rateLimited(retryAfter: Int) -> BoxErrorReply {
        BoxErrorReply(
            status: 429, code: "rate_limit_exceeded", message: "Request rate limit exceeded, please try again later",
            headers: [("Retry-After", String(retryAfter))])
    }
}

/// Each request's added latency: `latency_ms` moved by up to `jitter_ms` either side (never
/// below 0), drawn from a fixed-seed generator, so a run's sequence is the same every time.
public struct JitteredLatency: Sendable {
    private var random = SeededRandom(seed: 0x1A7E_9C1)

    public init() {}

    public mutating func next(_ faults: Faults) -> Int {
        let j = faults.latencyJitterMilliseconds
        guard j > 0 else { return faults.latencyMilliseconds }
        return max(0, faults.latencyMilliseconds + random.int(-j...j))
    }
}
