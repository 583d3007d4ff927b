/// How many calls a bulk run (box.parallel) keeps in flight: halved when Box answers 429, raised
/// again slowly as calls succeed, never above `maximum` nor below one.
///
/// Box limits each user's request rate with a bucket that refills over seconds, and every 429
/// pauses all calls for its Retry-After: a run that keeps more calls in flight than the limit
/// needs gains nothing and draws a 429 for every call in flight when the bucket runs dry. The
/// window grows by `growth` calls per window's worth of successes (one more call per ten round
/// trips): slow enough that the bucket, not the client, sets the pace, so 429s stay rare.
public struct AdaptiveConcurrency: Sendable, Equatable {
    public let maximum: Int
    public private(set) var window: Double
    /// Calls to see complete before another 429 lowers the window again: those already in
    /// flight when it was lowered were sent too fast for the old window, not the new one.
    private var settling = 0

    public static let growth = 0.1

    public init(maximum: Int) {
        self.maximum = max(1, maximum)
        window = Double(self.maximum)
    }

    /// The calls that may be in flight now.
    public var limit: Int { max(1, min(maximum, Int(window))) }

    /// A call completed without a 429.
    public mutating func succeeded() {
        window = min(Double(maximum), window + Self.growth / window)
        if settling > 0 { settling -= 1 }
    }

    /// Box answered 429 (once per batch of answers is enough).
    public mutating func rateLimited() {
        guard settling == 0 else { return }
        settling = limit
        window = max(1, window / 2)
    }
}
