/// Where Box is slow (issue 18): the prefetching pager, the time-sliced event reader and its
/// planner, the adaptive concurrency rule, and Box's date-times.
import BoxSandbox
import Foundation
import JSON
import TestSupport
import Testing

@testable import BoxClient

@Suite struct EventSlicePlannerTests {
    /// Slices cover the window exactly: no second twice, none left out.
    @Test func slicesCoverTheWindowWithoutGapsOrOverlaps() {
        var p = EventSlicePlanner(start: 1000, end: 1000 + 86400 * 30 - 1, openEnded: false, targetEvents: 500)
        var slices: [(Int64, Int64?)] = []
        while let s = p.nextSlice() {
            slices.append(s)
            p.finished(events: Int.random(in: 0...900), seconds: (s.before ?? s.after) - s.after + 1)
        }
        #expect(slices.first?.0 == 1000 && slices.last?.1 == 1000 + 86400 * 30 - 1)
        for (a, b) in zip(slices, slices.dropFirst()) { #expect(a.1.map { $0 + 1 } == b.0) }
        #expect(slices.allSatisfy { s in s.1.map { $0 >= s.0 } ?? false })
        #expect(p.nextSlice() == nil && p.isDone)
    }

    /// Sixteen slices in flight over a quiet window all end empty: the step grows 8-fold for
    /// each, and stays within the window (it overflowed Int64 and crashed a test run).
    @Test func emptySlicesNeverGrowTheStepPastTheWindow() {
        var p = EventSlicePlanner(start: 1_700_000_000, end: 1_700_000_000 + 180 * 86400, openEnded: true)
        // Sixteen slices of the first step end empty: 8 times one slice, not 8^16 times.
        let first = p.step
        for _ in 0..<16 { p.finished(events: 0, seconds: first) }
        #expect(p.step == first * 8)
        for _ in 0..<200 { p.finished(events: 0, seconds: p.step) }
        #expect(p.step == 180 * 86400 + 1)
        var wide = EventSlicePlanner(start: 0, end: Int64.max - 1, openEnded: false)
        for _ in 0..<200 { wide.finished(events: 0, seconds: Int64.max) }
        #expect(wide.step > 0)
        wide.finished(events: 5, seconds: 1)
        #expect(wide.step > 0)
    }

    @Test func lastSliceIsOpenWhenTheWindowIs() {
        var p = EventSlicePlanner(start: 0, end: 1_000_000, openEnded: true)
        var last: (after: Int64, before: Int64?)?
        while let s = p.nextSlice() { last = s }
        #expect(last?.before == nil)
        var one = EventSlicePlanner(start: 50, end: 50, openEnded: true)
        let only = one.nextSlice()
        #expect(only?.after == 50 && only?.before == nil && one.nextSlice() == nil)
    }

    /// The first slices are 1/1024 of the window; then each is sized to hold about
    /// `targetEvents` at the density seen, growing at most 8-fold at a time.
    @Test func slicesAreSizedToTheDensitySeen() {
        var p = EventSlicePlanner(start: 0, end: 1024 * 600 - 1, openEnded: false, targetEvents: 2500)
        #expect(p.step == 600)
        p.finished(events: 5000, seconds: 600)  // dense: 2500 events take 300 s
        #expect(p.step == 300)
        p.finished(events: 0, seconds: 100_000)  // 5000 in 100,600 s: 2500 in 50,300 s, capped 8x
        #expect(p.step == 2400)
        var empty = EventSlicePlanner(start: 0, end: 10_000_000, openEnded: false)
        let first = empty.step
        empty.finished(events: 0, seconds: first)
        #expect(empty.step == first * 8)
    }
}

@Suite struct AdaptiveConcurrencyTests {
    @Test func halvesOnA429AndIgnoresTheOthersOfTheSameBurst() {
        var c = AdaptiveConcurrency(maximum: 8)
        #expect(c.limit == 8)
        c.rateLimited()
        #expect(c.limit == 4)
        c.rateLimited()  // another call that was in flight at 8: no second cut
        #expect(c.limit == 4)
        for _ in 0..<8 { c.succeeded() }  // the 8 calls in flight then have completed
        c.rateLimited()
        #expect(c.limit == 2)
        for _ in 0..<4 { c.succeeded() }
        c.rateLimited()
        #expect(c.limit == 1)
        for _ in 0..<2 { c.succeeded() }
        c.rateLimited()
        #expect(c.limit == 1)  // never below one
    }

    /// One more call in flight per ten windows' worth of successes; never above the maximum.
    @Test func raisesSlowlyAsCallsSucceed() {
        var c = AdaptiveConcurrency(maximum: 8)
        c.rateLimited()
        c.rateLimited()
        for _ in 0..<8 { c.succeeded() }
        c.rateLimited()
        #expect(c.limit == 2)
        var successes = 0
        while c.limit == 2 {
            c.succeeded()
            successes += 1
        }
        #expect(c.limit == 3 && (15...30).contains(successes))
        for _ in 0..<10_000 { c.succeeded() }
        #expect(c.limit == 8 && c.window == 8)
        #expect(AdaptiveConcurrency(maximum: 0).limit == 1)
    }
}

@Suite struct BoxTimeTests {
    @Test func readsBoxsDateTimesAndWritesUTC() {
        #expect(parseBoxTime("1970-01-01T00:00:00Z") == 0)
        #expect(parseBoxTime("2024-01-31T09:00:00-08:00") == 1_706_720_400)
        #expect(parseBoxTime("2024-01-31T17:00:00+00:00") == 1_706_720_400)
        #expect(parseBoxTime("2024-01-31T17:00:00.250Z") == 1_706_720_400)
        #expect(parseBoxTime("2024-02-29T23:59:59+05:30") == 1_709_231_399)
        #expect(formatBoxTime(1_706_720_400) == "2024-01-31T17:00:00Z")
        for t: Int64 in [0, 951_782_400, 1_709_231_399, 4_102_444_800] { #expect(parseBoxTime(formatBoxTime(t)) == t) }
        for bad in [
            "", "yesterday", "2024-01-31", "2024-01-31T17:00:00", "2024-13-01T00:00:00Z", "2024-01-31T17:00:00+0800",
        ] {
            #expect(parseBoxTime(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct ParallelPagingTests {
    static let seed = SandboxSeed.generated(GenerateSpec(users: 300, events: 12_000, days: 20))

    /// Every page of a stream read one request after another.
    func sequential(_ c: BoxClient, _ query: [(String, String)]) throws -> [String] {
        let pager = BoxPager(
            client: c, request: BoxRequest("GET", "/2.0/events", query: [("stream_type", "admin_logs")] + query),
            mode: .stream(position: "0", limit: 500))
        var ids: [String] = []
        while let page = try pager.next() { ids += page.entries.map { $0["event_id"]?.stringValue ?? "" } }
        return ids
    }

    func sliced(_ c: BoxClient, _ query: [(String, String)]) throws -> ([String], SlicedEventPager) {
        let request = BoxRequest("GET", "/2.0/events", query: [("stream_type", "admin_logs")] + query)
        let pager = try #require(SlicedEventPager.forWindow(client: c, request: request))
        var ids: [String] = []
        while true {
            var result: Result<BoxPage?, BoxError>?
            pager.next { result = $0 }
            c.engine.run { result != nil }
            guard let page = try #require(result).get() else { break }
            ids += page.entries.map { $0["event_id"]?.stringValue ?? "" }
        }
        return (ids, pager)
    }

    /// The same events in the same order as one stream, for an open window, a closed one and a
    /// filtered one; several slices were read at once.
    @Test func slicedReadEqualsTheSequentialOne() throws {
        let f = try ClientSandboxFixture(seed: Self.seed)
        let c = f.developer
        let logins = try #require(Self.seed.generatedLogins)
        let from = formatBoxTime(logins.createdAt(1500)), to = formatBoxTime(logins.createdAt(9000))
        for query in [
            [("created_after", from)], [("created_after", from), ("created_before", to)],
            [("event_type", "LOGIN"), ("created_after", formatBoxTime(logins.start - 86400))],
        ] {
            let expected = try sequential(c, query)
            let (got, pager) = try sliced(c, query)
            #expect(got.count == expected.count && got == expected, "\(query)")
            #expect(pager.peakSlicesInFlight > 1)
        }
        #expect(try sequential(c, [("created_after", from)]).count == 12_000 - 1500)
    }

    @Test func onlyAWindowIsSliced() throws {
        let f = try ClientSandboxFixture()
        let c = f.developer
        let events = [("stream_type", "admin_logs")]
        #expect(SlicedEventPager.forWindow(client: c, request: BoxRequest("GET", "/2.0/events", query: events)) == nil)
        for extra in [
            [("created_after", "soon")], [("created_after", "2026-01-01T00:00:00Z"), ("stream_position", "5")],
            [("created_after", "2026-01-02T00:00:00Z"), ("created_before", "2026-01-01T00:00:00Z")],
        ] {
            #expect(
                SlicedEventPager.forWindow(client: c, request: BoxRequest("GET", "/2.0/events", query: events + extra))
                    == nil)
        }
    }

    /// Under Box's kind of rate limit the sliced read gives the same events (every 429 waited
    /// out, none given up on), and lowers how many slices it reads at once.
    @Test func slicedReadUnderARateLimitLowersItsSlicesInFlight() throws {
        let f = try ClientSandboxFixture(seed: Self.seed)
        let c = f.developer
        let logins = try #require(Self.seed.generatedLogins)
        let query = [("created_after", formatBoxTime(logins.start))]
        let expected = try sequential(c, query)
        f.sandbox.faults = try Faults(spec: "rate_limit=1200/min,burst=4,latency_ms=5")
        f.sandbox.clearRequestLog()
        let (got, pager) = try sliced(c, query)
        #expect(got == expected)
        let statuses = f.sandbox.requestLog.map(\.status)
        let refused = statuses.filter { $0 == 429 }.count
        #expect(refused > 0, "the limit was never reached: the test shows nothing")
        #expect(pager.concurrency.limit < pager.maxSlices)
    }

    /// A slice that fails hands its error out in its turn, after the pages before it.
    @Test func aFailedSliceFailsTheReadInOrder() throws {
        let f = try ClientSandboxFixture(seed: Self.seed)
        let c = f.client(.accessToken(f.credentials.accessToken)) { $0.retry.maxAttempts = 1 }
        let logins = try #require(Self.seed.generatedLogins)
        f.sandbox.faults = try Faults(spec: "server_error_every=10")
        let request = BoxRequest(
            "GET", "/2.0/events",
            query: [("stream_type", "admin_logs"), ("created_after", formatBoxTime(logins.start))])
        let pager = try #require(SlicedEventPager.forWindow(client: c, request: request))
        var pages = 0
        var failure: BoxError?
        var ended = false
        while failure == nil && !ended {
            var result: Result<BoxPage?, BoxError>?
            pager.next { result = $0 }
            c.engine.run { result != nil }
            switch try #require(result) {
            case .success(_?): pages += 1
            case .success(nil): ended = true
            case .failure(let e): failure = e
            }
        }
        #expect(failure?.status == 500 && pages < 24)
    }

    /// Prefetching: the pages are the same; the next request is sent when a page is handed
    /// out, never more than one ahead, and a caller that stops costs only that one.
    @Test func prefetchingPagerIsOnePageAheadAndStopsWithTheCaller() throws {
        let f = try ClientSandboxFixture(extraUsers: 4000)
        let c = f.developer
        func pages(prefetch: Bool) throws -> [[String]] {
            let pager = BoxPager(
                client: c, request: BoxOperations.usersList.request(query: [("fields", "id")]),
                mode: .marker(limit: 1000))
            pager.prefetch = prefetch
            var out: [[String]] = []
            while let page = try pager.next() { out.append(page.entries.map { $0["id"]?.stringValue ?? "" }) }
            return out
        }
        let plain = try pages(prefetch: false)
        #expect(plain.count == 5)
        #expect(try pages(prefetch: true) == plain)

        f.sandbox.clearRequestLog()
        let pager = BoxPager(
            client: c, request: BoxOperations.usersList.request(query: [("fields", "id")]), mode: .marker(limit: 1000))
        pager.prefetch = true
        _ = try pager.next()
        // The second page was asked for when the first was handed out, with no further call.
        #expect(f.sandbox.waitForRequests(timeout: 60) { $0.count >= 2 })
        _ = try pager.next()
        #expect(f.sandbox.waitForRequests(timeout: 60) { $0.count >= 3 })
        let seen = f.sandbox.requestLog
        #expect(seen.count == 3 && seen.allSatisfy { $0.path == "/2.0/users" })
        #expect(seen.map { $0.query["marker"] != nil } == [false, true, true])
    }
}

/// `BoxClient.each` (the snapshot's reads): several calls in flight, results in item order, the
/// first failure thrown.
@Suite struct ParallelReadsTests {
    @Test func readsSeveralAtOnceInItemOrder() throws {
        let f = try ClientSandboxFixture(faults: try Faults(spec: "latency_ms=40"))
        let c = f.developer
        let ids =
            try c.json(BoxRequest("GET", "/2.0/users", query: [("limit", "24"), ("fields", "id")]))["entries"]?
            .arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.count == 24)
        f.sandbox.clearRequestLog()
        let logins = try c.each(ids, window: 6) { id, done in
            c.startJSON(BoxRequest("GET", "/2.0/users/\(id)", query: [("fields", "id,login")])) { result in
                done(result.map { "\($0["id"]?.stringValue ?? "")" })
            }
        }
        #expect(logins == ids)
        #expect(f.sandbox.peakRequestsInProgress > 1 && f.sandbox.peakRequestsInProgress <= 6)
    }

    @Test func theFirstFailureIsThrownAndNothingStartsAfterIt() throws {
        let f = try ClientSandboxFixture()
        let c = f.developer
        f.sandbox.clearRequestLog()
        var started = 0
        #expect(throws: BoxError.self) {
            _ = try c.each(Array(0..<50), window: 2) { (n: Int, done: @escaping (Result<JSON, BoxError>) -> Void) in
                started += 1
                c.startJSON(BoxRequest("GET", n == 3 ? "/2.0/users/1" : "/2.0/users/me"), completion: done)
            }
        }
        // Window 2, item 3 fails: items 0...4 at most have started when its answer comes.
        #expect(started <= 5)
        #expect(f.sandbox.requestLog.contains { $0.path == "/2.0/users/1" && $0.status == 404 })
    }
}
