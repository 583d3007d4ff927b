/// The retry decision as a table: one row per rule, each row a case that could go wrong.
import Testing
@testable import BoxClient

struct RetryPolicyTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let outcome: AttemptOutcome
        let state: RetryState
        let canRefresh: Bool
        let expected: RetryDecision
        var changesBox = false
        var canCheck = false
        var testDescription: String { name }
    }

    static let settings: RetrySettings = {
        var s = RetrySettings()
        s.maxAttempts = 5
        s.maxNetworkRetries = 2
        s.baseInterval = 1
        s.randomization = 0.5
        s.maxWait = 100
        return s
    }()

    // jitter 0.5 makes the factor exactly 1: backoff = 2^(n-1) seconds.
    static let rows: [Row] = [
        Row(
            name: "200 finishes", outcome: .response(status: 200, retryAfter: nil), state: .init(attempts: 1),
            canRefresh: true, expected: .finish),
        Row(
            name: "204 finishes", outcome: .response(status: 204, retryAfter: nil), state: .init(attempts: 1),
            canRefresh: true, expected: .finish),
        Row(
            name: "404 raised at once", outcome: .response(status: 404, retryAfter: nil), state: .init(attempts: 1),
            canRefresh: true, expected: .finish),
        Row(
            name: "400 raised at once", outcome: .response(status: 400, retryAfter: "3"), state: .init(attempts: 1),
            canRefresh: true, expected: .finish),
        Row(
            name: "409 raised at once", outcome: .response(status: 409, retryAfter: nil), state: .init(attempts: 1),
            canRefresh: true, expected: .finish),
        Row(
            name: "401 refreshes when it can", outcome: .response(status: 401, retryAfter: nil),
            state: .init(attempts: 1), canRefresh: true, expected: .refreshToken),
        Row(
            name: "401 raised when it cannot refresh", outcome: .response(status: 401, retryAfter: nil),
            state: .init(attempts: 2), canRefresh: false, expected: .finish),
        Row(
            name: "429 honours Retry-After and pauses all", outcome: .response(status: 429, retryAfter: "7"),
            state: .init(attempts: 1, rateLimited: 1), canRefresh: true,
            expected: .retry(delay: 7, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "429 decimal Retry-After", outcome: .response(status: 429, retryAfter: " 0.25 "),
            state: .init(attempts: 1, rateLimited: 1), canRefresh: true,
            expected: .retry(delay: 0.25, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "429 HTTP-date Retry-After",
            outcome: .response(status: 429, retryAfter: "Thu, 01 Jan 1970 00:00:42 GMT"),
            state: .init(attempts: 1, rateLimited: 1),
            canRefresh: true,
            expected: .retry(delay: 12, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "429 without Retry-After backs off", outcome: .response(status: 429, retryAfter: nil),
            state: .init(attempts: 3, rateLimited: 3), canRefresh: true,
            expected: .retry(delay: 4, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "429 unreadable Retry-After backs off", outcome: .response(status: 429, retryAfter: "soon"),
            state: .init(attempts: 1, rateLimited: 1), canRefresh: true,
            expected: .retry(delay: 1, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "500 backs off, others keep going", outcome: .response(status: 500, retryAfter: nil),
            state: .init(attempts: 2), canRefresh: true,
            expected: .retry(delay: 2, pauseAll: false, reason: "HTTP 500")),
        Row(
            name: "503 with Retry-After", outcome: .response(status: 503, retryAfter: "3"), state: .init(attempts: 1),
            canRefresh: true,
            expected: .retry(delay: 3, pauseAll: false, reason: "HTTP 503")),
        Row(
            name: "202 with Retry-After retried", outcome: .response(status: 202, retryAfter: "2"),
            state: .init(attempts: 1), canRefresh: true,
            expected: .retry(delay: 2, pauseAll: false, reason: "HTTP 202")),
        Row(
            name: "202 without Retry-After is a result", outcome: .response(status: 202, retryAfter: nil),
            state: .init(attempts: 1), canRefresh: true, expected: .finish),
        Row(
            name: "5xx stops at max attempts", outcome: .response(status: 502, retryAfter: nil),
            state: .init(attempts: 5), canRefresh: true,
            expected: .giveUp(reason: "gave up after 5 attempts")),
        Row(
            name: "429 is retried past max attempts while the wait budget lasts",
            outcome: .response(status: 429, retryAfter: "1"), state: .init(attempts: 9, rateLimited: 9, waited: 20),
            canRefresh: true, expected: .retry(delay: 1, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "429 with Retry-After 0 stops at max rate-limited",
            outcome: .response(status: 429, retryAfter: "0"), state: .init(attempts: 50, rateLimited: 50),
            canRefresh: true, expected: .giveUp(reason: "gave up after 50 rate-limited attempts")),
        Row(
            name: "429s do not use up the 5xx attempts", outcome: .response(status: 503, retryAfter: nil),
            state: .init(attempts: 6, rateLimited: 4), canRefresh: true,
            expected: .retry(delay: 2, pauseAll: false, reason: "HTTP 503")),
        Row(
            name: "429 without Retry-After backs off past max attempts",
            outcome: .response(status: 429, retryAfter: nil), state: .init(attempts: 7, rateLimited: 7, waited: 5),
            canRefresh: true,
            expected: .retry(delay: 60, pauseAll: true, reason: "HTTP 429")),
        Row(
            name: "Retry-After past the wait budget gives up", outcome: .response(status: 429, retryAfter: "30"),
            state: .init(attempts: 2, rateLimited: 2, waited: 80), canRefresh: true,
            expected: .giveUp(reason: "waiting 30 s more would pass the 100 s wait limit")),
        Row(
            name: "network failure retried on its own budget",
            outcome: .transportFailure(retriable: true, mayHaveArrived: true),
            state: .init(attempts: 4, networkFailures: 1), canRefresh: true,
            expected: .retry(delay: 1, pauseAll: false, reason: "network failure")),
        Row(
            name: "second network failure", outcome: .transportFailure(retriable: true, mayHaveArrived: true),
            state: .init(networkFailures: 2), canRefresh: true,
            expected: .retry(delay: 2, pauseAll: false, reason: "network failure")),
        Row(
            name: "network budget spent", outcome: .transportFailure(retriable: true, mayHaveArrived: true),
            state: .init(networkFailures: 3), canRefresh: true,
            expected: .giveUp(reason: "gave up after 3 network failures")),
        Row(
            name: "refused change is retried (it never left)",
            outcome: .transportFailure(retriable: true, mayHaveArrived: false), state: .init(networkFailures: 1),
            canRefresh: true,
            expected: .retry(delay: 1, pauseAll: false, reason: "network failure"), changesBox: true),
        Row(
            name: "timed-out change is not resent", outcome: .transportFailure(retriable: true, mayHaveArrived: true),
            state: .init(networkFailures: 1), canRefresh: true,
            expected: .giveUp(reason: "not resent: the change may have reached Box, check before trying again"),
            changesBox: true),
        Row(
            name: "429 on a change is retried", outcome: .response(status: 429, retryAfter: "2"),
            state: .init(attempts: 1, rateLimited: 1), canRefresh: true,
            expected: .retry(delay: 2, pauseAll: true, reason: "HTTP 429"), changesBox: true),
        Row(
            name: "5xx on a change is not resent unchecked", outcome: .response(status: 502, retryAfter: nil),
            state: .init(attempts: 1), canRefresh: true,
            expected: .giveUp(reason: "not resent: the change may have reached Box, check before trying again"),
            changesBox: true),
        Row(
            name: "5xx on a change is checked, then retried", outcome: .response(status: 500, retryAfter: nil),
            state: .init(attempts: 2), canRefresh: true,
            expected: .checkThenRetry(delay: 2, reason: "HTTP 500"), changesBox: true, canCheck: true),
        Row(
            name: "timed-out change is checked, then retried",
            outcome: .transportFailure(retriable: true, mayHaveArrived: true), state: .init(networkFailures: 1),
            canRefresh: true,
            expected: .checkThenRetry(delay: 1, reason: "network failure"), changesBox: true, canCheck: true),
        Row(
            name: "refused change with a checker is retried unchecked",
            outcome: .transportFailure(retriable: true, mayHaveArrived: false), state: .init(networkFailures: 1),
            canRefresh: true,
            expected: .retry(delay: 1, pauseAll: false, reason: "network failure"), changesBox: true, canCheck: true),
        Row(
            name: "429 on a change with a checker is retried unchecked",
            outcome: .response(status: 429, retryAfter: "2"), state: .init(attempts: 1, rateLimited: 1),
            canRefresh: true,
            expected: .retry(delay: 2, pauseAll: true, reason: "HTTP 429"), changesBox: true, canCheck: true),
        Row(
            name: "checked change still stops at max attempts", outcome: .response(status: 503, retryAfter: nil),
            state: .init(attempts: 5), canRefresh: true,
            expected: .giveUp(reason: "gave up after 5 attempts"), changesBox: true, canCheck: true),
        Row(
            name: "certificate failure not retried",
            outcome: .transportFailure(retriable: false, mayHaveArrived: false), state: .init(networkFailures: 1),
            canRefresh: true,
            expected: .giveUp(reason: "not retriable")),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        let d = RetryPolicy.decide(
            row.outcome, state: row.state, settings: Self.settings, canRefresh: row.canRefresh,
            changesBox: row.changesBox, canCheck: row.canCheck, jitter: 0.5, wallNow: 30)
        #expect(d == row.expected)
    }

    @Test func backoffGrowsWithJitterInBounds() {
        var s = RetrySettings()
        s.maxBackoff = 60
        for retry in 1...4 {
            let base = Double(1 << (retry - 1))
            #expect(RetryPolicy.backoff(retry: retry, settings: s, jitter: 0) == base * 0.5)
            #expect(RetryPolicy.backoff(retry: retry, settings: s, jitter: 1) == base * 1.5)
        }
        #expect(RetryPolicy.backoff(retry: 20, settings: s, jitter: 1) == 60)
    }

    @Test func httpDates() {
        #expect(parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", wallNow: 784_111_777 + 5) == 0)
        #expect(RetryPolicy.parseRetryAfter("-3", wallNow: 0) == nil)
    }
}
