/// An admin_logs window read as time slices in parallel, handed out in order.
///
/// Box's admin_logs stream gives 500 events a request, one request after another: two million
/// LOGIN events at 100 ms a request are seven minutes of waiting. The stream can be asked for
/// any window (`created_after`, `created_before`), so this reader cuts the window into
/// consecutive slices, reads several slices at once (each a `BoxPager` of its own), and hands
/// out the pages of the first slice, then of the second, and so on: the same events in the same
/// order as one stream over the window. Each slice keeps at most `maxBufferedPages` pages that
/// the caller has not taken yet, so memory stays flat whatever the window holds.
#if canImport(Glibc)
    import Glibc
#endif
import JSON

/// Where the next slices of a window begin and end, learning how dense the events are from
/// the slices read so far, so that each slice holds about `targetEvents` events (a few pages).
/// Times are whole seconds; a slice covers `after...before`, both included, as Box's whole-
/// second `created_at` values are compared.
public struct EventSlicePlanner: Sendable, Equatable {
    public let end: Int64
    /// The last slice leaves `created_before` out when the caller did (the read then also sees
    /// events made while it runs, as one stream would).
    public let openEnded: Bool
    public let targetEvents: Int
    public private(set) var cursor: Int64
    public private(set) var step: Int64
    /// The window's first second.
    public let start: Int64
    private var seenEvents = 0
    private var seenSeconds: Int64 = 0

    /// The first slices are small, 1/1024 of the window (at least a minute); then
    /// `finished(events:seconds:)` sizes the next ones.
    public init(start: Int64, end: Int64, openEnded: Bool, targetEvents: Int = 3000) {
        self.cursor = start
        self.start = start
        self.end = max(start, end)
        self.openEnded = openEnded
        self.targetEvents = max(1, targetEvents)
        self.step = max(60, (self.end - start + 1) / 1024)
    }

    public var isDone: Bool { cursor > end }

    /// The next slice, or nil when the window is covered.
    public mutating func nextSlice() -> (after: Int64, before: Int64?)? {
        guard !isDone else { return nil }
        let after = cursor
        let last = after > end - step
        cursor = last ? end + 1 : after + step
        return (after, last && openEnded ? nil : min(end, after + step - 1))
    }

    /// A slice of `seconds` held `events`: the next slices are sized to the density seen so far
    /// (at most 8 times that slice's length, so one empty slice does not make the next huge), and
    /// never longer than the window: every slice in flight reports when it ends, and a run of
    /// empty ones would otherwise grow the step 8-fold each, past Int64 (seen: a crash).
    public mutating func finished(events: Int, seconds: Int64) {
        seenEvents = seenEvents.addingReportingOverflow(max(0, events)).overflow ? Int.max : seenEvents + max(0, events)
        let s = max(1, seconds)
        seenSeconds = seenSeconds.addingReportingOverflow(s).overflow ? Int64.max : seenSeconds + s
        // 8-fold growth from the slice that ended, not from the step: 16 slices of the same
        // step ending empty one after another must not make it 8^16 times longer.
        func times8(_ x: Int64) -> Int64 { x > Int64.max / 8 ? Int64.max : x * 8 }
        let grown = min(times8(step), max(step, times8(s)))
        let wanted: Int64
        if seenEvents == 0 {
            wanted = grown
        } else {
            let density = Double(seenEvents) / Double(seenSeconds)
            wanted = Int64(min(Double(Int64.max / 4), (Double(targetEvents) / density).rounded()))
        }
        let window = end.subtractingReportingOverflow(start).overflow ? Int64.max : max(1, end - start + 1)
        step = max(1, min(wanted, grown, window))
    }
}

public final class SlicedEventPager: PageSource {
    public let client: BoxClient
    /// The admin_logs request without created_after/created_before.
    public let request: BoxRequest
    public let limit: Int
    public let maxSlices: Int
    public let maxBufferedPages: Int
    public private(set) var planner: EventSlicePlanner
    /// The most slices read at once so far (for tests).
    public private(set) var peakSlicesInFlight = 0
    /// How many slices may be read at once: fewer after Box answers 429, more again as pages
    /// come (as box.parallel does): a window read at `maxSlices` requests at a time would
    /// otherwise run into Box's per-user rate limit on every pause.
    public private(set) var concurrency: AdaptiveConcurrency
    private var rateLimitedSeen: Int

    private final class Slice {
        let pager: BoxPager
        let after: Int64
        let before: Int64?
        var pages: [BoxPage] = []
        var failure: BoxError?
        var fetching = false
        var done = false
        var events = 0
        init(pager: BoxPager, after: Int64, before: Int64?) {
            self.pager = pager
            self.after = after
            self.before = before
        }
    }

    private var slices: [Slice] = []
    private var waiter: ((Result<BoxPage?, BoxError>) -> Void)?

    public init(
        client: BoxClient, request: BoxRequest, limit: Int = 500, planner: EventSlicePlanner, maxSlices: Int = 16,
        maxBufferedPages: Int = 8
    ) {
        self.client = client
        self.request = request
        self.limit = limit
        self.planner = planner
        self.maxSlices = max(1, maxSlices)
        self.maxBufferedPages = max(1, maxBufferedPages)
        concurrency = AdaptiveConcurrency(maximum: self.maxSlices)
        rateLimitedSeen = client.rateLimitedResponses
    }

    /// A sliced reader for an admin_logs request with `created_after` (and maybe
    /// `created_before`) in its query; nil when it has no window this reader can cut (no
    /// `created_after`, a time it cannot read, an empty window, another stream type, a
    /// `stream_position` of the caller's): read it as one stream.
    public static func forWindow(client: BoxClient, request: BoxRequest, limit: Int = 500) -> SlicedEventPager? {
        let query = request.query
        guard query.contains(where: { $0.0 == "stream_type" && $0.1 == "admin_logs" }),
            !query.contains(where: { $0.0 == "stream_position" }),
            let afterText = query.first(where: { $0.0 == "created_after" })?.1, let after = parseBoxTime(afterText)
        else { return nil }
        let beforeText = query.first { $0.0 == "created_before" }?.1
        var before: Int64?
        if let beforeText {
            // An empty window (before < after) is left to Box to answer, as one stream.
            guard let t = parseBoxTime(beforeText), t >= after else { return nil }
            before = t
        }
        let now = Int64(client.wallClock())
        var bare = request
        bare.query = query.filter { $0.0 != "created_after" && $0.0 != "created_before" }
        let planner = EventSlicePlanner(start: after, end: before ?? max(after, now), openEnded: before == nil)
        return SlicedEventPager(client: client, request: bare, limit: limit, planner: planner)
    }

    public func next(_ completion: @escaping (Result<BoxPage?, BoxError>) -> Void) {
        precondition(waiter == nil, "SlicedEventPager.next called again before the last call completed")
        waiter = completion
        deliver()
        pump()
    }

    /// Answers the waiting caller from the first slice, if it can be answered now.
    private func deliver() {
        while let waiting = waiter {
            guard let first = slices.first else {
                if planner.isDone {
                    waiter = nil
                    waiting(.success(nil))
                }
                return
            }
            if !first.pages.isEmpty {
                waiter = nil
                waiting(.success(first.pages.removeFirst()))
                return
            }
            if let failure = first.failure {
                waiter = nil
                waiting(.failure(failure))
                return
            }
            guard first.done else { return }
            slices.removeFirst()
            if slices.isEmpty { addSlices() }
        }
    }

    /// Opens slices up to `maxSlices` and has every slice with room in its buffer fetch.
    private func pump() {
        addSlices()
        var started = false
        var fetching = slices.filter(\.fetching).count
        for slice in slices where !slice.fetching && !slice.done && slice.failure == nil {
            guard fetching < concurrency.limit else { break }
            guard slice.pages.count < maxBufferedPages else { continue }
            fetching += 1
            slice.fetching = true
            started = true
            slice.pager.next { [weak self] result in self?.received(result, for: slice) }
        }
        peakSlicesInFlight = max(peakSlicesInFlight, slices.filter(\.fetching).count)
        if started { client.engine.sendPending() }
    }

    private func addSlices() {
        while slices.count < maxSlices, let (after, before) = planner.nextSlice() {
            var query = request.query
            query.append(("created_after", formatBoxTime(after)))
            if let before { query.append(("created_before", formatBoxTime(before))) }
            var r = request
            r.query = query
            let pager = BoxPager(client: client, request: r, mode: .stream(position: "0", limit: limit))
            slices.append(Slice(pager: pager, after: after, before: before))
        }
    }

    private func received(_ result: Result<BoxPage?, BoxError>, for slice: Slice) {
        slice.fetching = false
        if client.rateLimitedResponses > rateLimitedSeen {
            rateLimitedSeen = client.rateLimitedResponses
            concurrency.rateLimited()
        } else if case .success = result {
            concurrency.succeeded()
        }
        switch result {
        case .success(let page?):
            slice.pages.append(page)
            slice.events += page.entryCount
        case .success(nil):
            slice.done = true
            let seconds = (slice.before ?? max(slice.after, Int64(client.wallClock()))) - slice.after + 1
            planner.finished(events: slice.events, seconds: seconds)
        case .failure(let error):
            slice.failure = error
        }
        deliver()
        pump()
    }
}

/// Box's date-times (`2024-01-31T09:00:00-08:00`, `...Z`, fractional seconds allowed) as Unix
/// seconds; nil for anything else.
public func parseBoxTime(_ text: String) -> Int64? {
    let b = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int? {
        guard from + count <= b.count else { return nil }
        var n = 0
        for c in b[from..<from + count] {
            guard (48...57).contains(c) else { return nil }
            n = n * 10 + Int(c - 48)
        }
        return n
    }
    guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
        let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
        let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day),
        hour < 24, minute < 60, second < 61
    else { return nil }
    var i = 19
    if b[i] == 46 {
        i += 1
        while i < b.count, (48...57).contains(b[i]) { i += 1 }
    }
    guard i < b.count else { return nil }
    var offset = 0
    if b[i] == 90 || b[i] == 122 {
        guard i + 1 == b.count else { return nil }
    } else {
        guard b[i] == 43 || b[i] == 45, i + 6 == b.count, b[i + 3] == 58, let oh = number(i + 1, 2),
            let om = number(i + 4, 2)
        else { return nil }
        offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
    }
    // Days from the civil date (Howard Hinnant's algorithm), so no time zone is consulted.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second - offset)
}

/// Unix seconds as `2024-01-31T17:00:00Z`, the form Box's SDKs send.
public func formatBoxTime(_ t: Int64) -> String {
    var tt = time_t(t)
    var parts = tm()
    gmtime_r(&tt, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
        + "\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
}
