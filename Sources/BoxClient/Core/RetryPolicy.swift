/// Whether and when to try a Box call again: a pure function, as Box's SDKs decide it, then better.
import HTTPServer

/// Retry limits; every field has the default Box's own SDKs use unless noted.
public struct RetrySettings: Sendable, Equatable {
    /// Most HTTP answers other than 429 one call may get (the first try included) when Box
    /// answers 5xx or 202: `BOXLUA_MAX_ATTEMPTS`. 429s have their own count (see `decide`).
    public var maxAttempts = 5
    /// Most 429 answers one call may get (ours: Box's SDKs stop at `maxAttempts`); `maxWait`
    /// bounds them too, and this bounds a Retry-After of 0, which waits nothing.
    public var maxRateLimited = 50
    /// Extra tries after network failures (refused, reset, timeout), counted on their own.
    public var maxNetworkRetries = 2
    /// First backoff step in seconds; doubles on each retry.
    public var baseInterval = 1.0
    /// Jitter: each backoff is scaled by a factor in 1 ± randomization.
    public var randomization = 0.5
    /// No single backoff (without Retry-After) is longer than this.
    public var maxBackoff = 60.0
    /// Most seconds one call may spend waiting between tries: `BOXLUA_MAX_WAIT`.
    public var maxWait = 300.0

    public init() {}
}

/// How one try ended, as far as retrying is concerned.
public enum AttemptOutcome: Sendable, Equatable {
    case response(status: Int, retryAfter: String?)
    /// No HTTP answer. `mayHaveArrived`: the request may have been sent before the failure
    /// (a timeout or reset, unlike a refused connection).
    case transportFailure(retriable: Bool, mayHaveArrived: Bool)
}

/// The tries made so far for one call.
public struct RetryState: Sendable, Equatable {
    /// HTTP answers received, this one included.
    public var attempts = 0
    /// Of those, the ones that were 429.
    public var rateLimited = 0
    /// Network failures so far, this one included.
    public var networkFailures = 0
    /// Seconds already waited between tries.
    public var waited = 0.0

    public init(attempts: Int = 0, rateLimited: Int = 0, networkFailures: Int = 0, waited: Double = 0) {
        self.attempts = attempts
        self.rateLimited = rateLimited
        self.networkFailures = networkFailures
        self.waited = waited
    }
}

public enum RetryDecision: Sendable, Equatable {
    /// Deliver the outcome as it is (a success, or an error raised at once).
    case finish
    /// Get a new access token, then try again at once (401, once per call).
    case refreshToken
    /// Try again after `delay` seconds; `pauseAll` holds every other call too (429).
    case retry(delay: Double, pauseAll: Bool, reason: String)
    /// Stop and raise the last outcome, saying why.
    case giveUp(reason: String)
    /// A change whose try may have reached Box: ask Box (the client's `changeChecker`)
    /// whether it was made; try again after `delay` only if it was not.
    case checkThenRetry(delay: Double, reason: String)
}

public enum RetryPolicy {
    /// The decision for `outcome`, one rule per line, checked in order.
    /// `changesBox`: the call is not a read. `canCheck`: a change checker can tell whether
    /// a change reached Box. `jitter` is a number in 0...1 (random in real use); `wallNow`
    /// is Unix time, for a `Retry-After` given as an HTTP date.
    public static func decide(
        _ outcome: AttemptOutcome, state: RetryState, settings: RetrySettings, canRefresh: Bool,
        changesBox: Bool = false, canCheck: Bool = false, jitter: Double, wallNow: Double
    ) -> RetryDecision {
        switch outcome {
        case .transportFailure(let retriable, let mayHaveArrived):
            guard retriable else { return .giveUp(reason: "not retriable") }
            // A refused, reset or timed-out try is retried on its own small budget.
            guard state.networkFailures <= settings.maxNetworkRetries else {
                return .giveUp(reason: "gave up after \(state.networkFailures) network failures")
            }
            let delay = backoff(retry: state.networkFailures, settings: settings, jitter: jitter)
            // A change that may have reached Box is not sent twice unless Box says it was
            // not made: a repeated DELETE would report 404 for a user it did delete.
            let unsure = changesBox && mayHaveArrived
            return wait(
                delay, pauseAll: false, reason: "network failure", check: unsure, canCheck: canCheck,
                state: state, settings: settings)
        case .response(let status, let retryAfter):
            // 401: the token expired or was revoked; a fresh one is worth one more try.
            if status == 401 { return canRefresh ? .refreshToken : .finish }
            let hinted = retryAfter.flatMap { parseRetryAfter($0, wallNow: wallNow) }
            // 429 and 5xx are retried (reads as Box's SDKs do); 202 only when it says when.
            let retriable = status == 429 || (500...599).contains(status) || (status == 202 && hinted != nil)
            guard retriable else { return .finish }
            // A 429 is Box asking to wait, not a failure: it processed nothing. A run kept at the
            // limit (box.parallel, sliced event reads, snapshot) draws several in a row for one
            // call, so 429s are counted apart, against a larger budget (Box's SDKs stop at 5 and
            // fail the bulk run), and bounded by the call's wait budget too.
            if status == 429 {
                guard state.rateLimited < settings.maxRateLimited else {
                    return .giveUp(reason: "gave up after \(state.rateLimited) rate-limited attempts")
                }
            } else {
                let counted = state.attempts - state.rateLimited
                guard counted < settings.maxAttempts else {
                    return .giveUp(reason: "gave up after \(counted) attempts")
                }
            }
            // Retry-After is honoured exactly; otherwise exponential backoff with jitter.
            let tries = status == 429 ? state.rateLimited : state.attempts - state.rateLimited
            let delay = hinted ?? backoff(retry: tries, settings: settings, jitter: jitter)
            // A 429 means Box did not process the call; a 5xx to a change may come after Box
            // (or a gateway in front of it) did the work.
            let unsure = changesBox && status != 429
            return wait(
                delay, pauseAll: status == 429, reason: "HTTP \(status)", check: unsure, canCheck: canCheck,
                state: state, settings: settings)
        }
    }

    /// The reason a change is not resent when nobody can check it on Box.
    public static let unsureChangeReason = "not resent: the change may have reached Box, check before trying again"

    /// A retry after `delay`, unless it would take the call past its total wait budget; for
    /// a change that may have been made (`check`), only after a check, or not at all.
    private static func wait(
        _ delay: Double, pauseAll: Bool, reason: String, check: Bool, canCheck: Bool, state: RetryState,
        settings: RetrySettings
    ) -> RetryDecision {
        if check && !canCheck { return .giveUp(reason: unsureChangeReason) }
        guard state.waited + delay <= settings.maxWait else {
            return .giveUp(
                reason:
                    "waiting \(formatSeconds(delay)) more would pass the \(formatSeconds(settings.maxWait)) wait limit")
        }
        return check
            ? .checkThenRetry(delay: delay, reason: reason) : .retry(delay: delay, pauseAll: pauseAll, reason: reason)
    }

    /// Seconds before retry number `retry` (1 for the first): base × 2^(retry−1) scaled by
    /// a jitter factor in 1 ± randomization, capped at `maxBackoff`.
    public static func backoff(retry: Int, settings: RetrySettings, jitter: Double) -> Double {
        let exponent = Double(max(0, min(retry - 1, 30)))
        let factor = 1 - settings.randomization + 2 * settings.randomization * min(max(jitter, 0), 1)
        return min(settings.baseInterval * pow2(exponent) * factor, settings.maxBackoff)
    }

    /// A `Retry-After` value in seconds: integer or decimal seconds, or an HTTP date
    /// (RFC 9110 IMF-fixdate) relative to `wallNow`; nil when unreadable.
    public static func parseRetryAfter(_ value: String, wallNow: Double) -> Double? {
        let v = value.trimmingWhitespace()
        if let seconds = Double(v) { return seconds.isFinite && seconds >= 0 ? seconds : nil }
        guard let instant = parseHTTPDate(v) else { return nil }
        return max(0, instant - wallNow)
    }

    private static func pow2(_ e: Double) -> Double {
        var r = 1.0
        for _ in 0..<Int(e) { r *= 2 }
        return r
    }
}

/// Unix time of `Sun, 06 Nov 1994 08:49:37 GMT`; nil for anything else.
func parseHTTPDate(_ s: String) -> Double? {
    let parts = s.split(separator: " ")
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
        let month = months.firstIndex(of: String(parts[2]))
    else { return nil }
    let hms = parts[4].split(separator: ":").compactMap { Int($0) }
    // IMF-fixdate years have four digits (RFC 9110 5.6.7); a longer one would overflow the day count.
    guard hms.count == 3, (1...31).contains(day), (0...9999).contains(year), (0..<24).contains(hms[0]),
        (0..<60).contains(hms[1]), (0..<61).contains(hms[2])
    else { return nil }
    let days = Int(CivilDate.days(year: Int64(year), month: Int64(month + 1), day: Int64(day)))
    return Double(days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
}

/// "1.5 s", "300 s"; a server's absurd wait (`Retry-After: 1e308`) prints as a Double
/// rather than trapping in an Int conversion.
func formatSeconds(_ s: Double) -> String {
    guard s.isFinite, abs(s) < 1e15 else { return "\(s) s" }
    return s == s.rounded() ? "\(Int(s)) s" : "\((s * 1000).rounded() / 1000) s"
}
