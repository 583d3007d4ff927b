/// Lazy paging over Box collections: marker, offset or event-stream position, one page per call.
import JSON

/// One page as received: the raw body (for decoding straight into Lua), its paging fields,
/// and how many entries it holds. The entries themselves are parsed only when asked for.
public struct BoxPage: Sendable {
    public let response: BoxResponse
    /// The top-level fields paging needs (`next_marker`, `limit`, `total_count`, ...).
    public let fields: JSONObject
    public let entryCount: Int
    public var body: [UInt8] { response.body }
    /// The whole page as JSON (parsed on each use).
    public var json: JSON { (try? response.json()) ?? .object(fields) }
    public var entries: [JSON] { json["entries"]?.arrayValue ?? [] }

    static let pagingKeys: Set<String> = [
        "next_marker", "limit", "total_count", "offset", "next_stream_position", "chunk_size",
    ]

    init(response: BoxResponse) throws(BoxError) {
        self.response = response
        do {
            (fields, entryCount) = try response.body.withUnsafeBufferPointer {
                try JSON.topLevelFields(of: $0, keys: Self.pagingKeys, counting: "entries")
            }
        } catch {
            _ = try response.json()  // the same failure, as the BoxError every caller expects
            throw BoxError(status: response.status, code: "invalid_response", message: "\(error)")
        }
    }
}

/// Something that hands out the pages of a listing one at a time, in order.
public protocol PageSource: AnyObject {
    /// The next page, or nil when the listing is done; completes from the engine's loop.
    func next(_ completion: @escaping (Result<BoxPage?, BoxError>) -> Void)
}

/// Fetches the pages of one listing as they are asked for, so memory stays flat and a
/// caller that stops early costs no further request (but the one prefetched, with `prefetch`).
public final class BoxPager: PageSource {
    public enum Mode: Sendable {
        /// `usemarker=true`; ends when `next_marker` is missing, null, "" or repeats.
        case marker(limit: Int)
        /// `offset`/`limit`; never asks past offset 9999 (Box refuses it).
        case offset(limit: Int)
        /// `stream_position`, kept as a string; ends on an empty page.
        case stream(position: String, limit: Int)
    }

    /// Box rejects larger offsets.
    public static let maxOffset = 9999

    public let client: BoxClient
    public let request: BoxRequest
    public let mode: Mode
    public private(set) var isFinished = false
    public private(set) var pagesFetched = 0
    /// Event streams: the last non-empty `next_stream_position`, to resume from later.
    public private(set) var position: String?
    private var marker: String?
    private var usedMarkers: Set<String> = []
    private var offset = 0
    /// Ask for the next page as soon as one is handed out, so that the wait for it overlaps the
    /// caller's work on this one: at most one page ahead, so memory stays flat.
    public var prefetch = false
    private var ahead: PageAhead?

    /// The prefetched page: its result, or the caller waiting for it.
    private final class PageAhead {
        var result: Result<BoxPage?, BoxError>?
        var waiter: ((Result<BoxPage?, BoxError>) -> Void)?
    }

    public init(client: BoxClient, request: BoxRequest, mode: Mode) {
        self.client = client
        self.request = request
        self.mode = mode
        if case .stream(let p, _) = mode { position = p }
    }

    /// The next page, or nil when the listing is done; sends at most one request.
    public func next() throws(BoxError) -> BoxPage? {
        var result: Result<BoxPage?, BoxError>?
        next { result = $0 }
        return try client.wait(for: { result }, what: request)
    }

    /// The same, completing from the engine's loop (for callers running many calls at once).
    public func next(_ completion: @escaping (Result<BoxPage?, BoxError>) -> Void) {
        if let ahead {
            self.ahead = nil
            if let result = ahead.result { return hand(result, completion) }
            ahead.waiter = { self.hand($0, completion) }
            return
        }
        fetch { self.hand($0, completion) }
    }

    /// Hands a page to the caller, first sending the request for the one after it (prefetch).
    private func hand(
        _ result: Result<BoxPage?, BoxError>, _ completion: (Result<BoxPage?, BoxError>) -> Void
    ) {
        if prefetch, case .success(_?) = result, !isFinished {
            let next = PageAhead()
            ahead = next
            fetch { r in
                if let waiter = next.waiter { waiter(r) } else { next.result = r }
            }
            client.engine.sendPending()
        }
        completion(result)
    }

    private func fetch(_ completion: @escaping (Result<BoxPage?, BoxError>) -> Void) {
        guard !isFinished else { return completion(.success(nil)) }
        if case .offset = mode, offset > Self.maxOffset {
            return completion(.failure(offsetLimitError()))
        }
        client.start(pageRequest()) { result in
            completion(
                result.flatMap { response in
                    Result { () throws(BoxError) -> BoxPage? in try self.accept(response) }
                })
        }
    }

    private func pageRequest() -> BoxRequest {
        switch mode {
        case .marker(let limit):
            let r = request.settingQuery("usemarker", "true").settingQuery("limit", String(limit))
            return marker.map { r.settingQuery("marker", $0) } ?? r
        case .offset(let limit):
            return request.settingQuery("offset", String(offset)).settingQuery("limit", String(limit))
        case .stream(_, let limit):
            return request.settingQuery("stream_position", position ?? "0").settingQuery("limit", String(limit))
        }
    }

    private func accept(_ response: BoxResponse) throws(BoxError) -> BoxPage? {
        let page = try BoxPage(response: response)
        let count = page.entryCount
        switch mode {
        case .marker:
            advanceMarker(page.fields["next_marker"])
        case .offset(let limit):
            // The page's own limit says how far the next offset is; a limit no server could
            // mean (0, negative, past Box's offset cap) is ignored, so offsets cannot overflow.
            let given = page.fields["limit"]?.intValue.map(Int.init) ?? limit
            let step = (1...Self.maxOffset + 1).contains(given) ? given : max(limit, 1)
            offset += step
            let total = page.fields["total_count"]?.intValue.map(Int.init)
            if count == 0 || total.map({ offset >= $0 }) ?? (count < step) { isFinished = true }
        case .stream:
            if count == 0 {
                isFinished = true
            } else if let p = streamPosition(page.fields["next_stream_position"]) {
                position = p
            }
        }
        guard count > 0 else {
            isFinished = true
            client.pageObserver?(self, nil)
            return nil
        }
        pagesFetched += 1
        client.pageObserver?(self, page)
        return page
    }

    private func advanceMarker(_ next: JSON?) {
        let text: String? = next?.stringValue ?? next?.intValue.map { String($0) }
        guard let m = text, !m.isEmpty, !usedMarkers.contains(m) else {
            isFinished = true
            return
        }
        usedMarkers.insert(m)
        marker = m
    }

    /// Positions are 19-digit numbers above 2^53: kept as text, whatever type Box used.
    private func streamPosition(_ v: JSON?) -> String? {
        switch v {
        case .string(let s) where !s.isEmpty && s != "0": return s
        case .int(let i) where i != 0: return String(i)
        default: return nil
        }
    }

    private func offsetLimitError() -> BoxError {
        BoxError(
            status: 0, code: "offset_limit",
            message:
                "the listing has more than \(Self.maxOffset + 1) entries and Box refuses offsets past \(Self.maxOffset)",
            method: request.method, url: displayURL(client.url(for: request)))
    }
}
