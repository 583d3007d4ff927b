/// Many independent reads in flight together, for Swift callers (`boxlua snapshot`).
///
/// Reading an enterprise user by user (aliases, root folder, each folder's collaborations) is
/// thousands of requests; one after another at Box's 100 ms or so each, a large enterprise
/// takes hours. These helpers keep several in flight, as box.parallel does for Lua: fewer
/// after Box answers 429, more again as calls succeed.
import JSON

extension BoxClient {
    /// Calls `start` for each item, at most `window` in flight at once, and drives the engine
    /// until every call has completed; returns their values in item order. After a failure
    /// no further call starts, and the first failure is thrown once those in flight end.
    public func each<Item, Value>(
        _ items: [Item], window: Int = 8,
        _ start: @escaping (Item, @escaping (Result<Value, BoxError>) -> Void) -> Void
    ) throws(BoxError) -> [Value] {
        guard !items.isEmpty else { return [] }
        let run = EachRun<Item, Value>(client: self, items: items, start: start, window: window)
        run.launch()
        engine.run { run.isFinished }
        return try run.values()
    }

    /// Every entry of a listing, page after page, completing from the engine's loop.
    public func allEntries(
        _ request: BoxRequest, mode: BoxPager.Mode, completion: @escaping (Result<[JSON], BoxError>) -> Void
    ) {
        let pager = BoxPager(client: self, request: request, mode: mode)
        var entries: [JSON] = []
        func step() {
            pager.next { result in
                switch result {
                case .success(let page?):
                    entries += page.entries
                    step()
                case .success(nil): completion(.success(entries))
                case .failure(let e): completion(.failure(e))
                }
            }
        }
        step()
    }

    /// `json(_:)` completing from the engine's loop.
    public func startJSON(_ request: BoxRequest, completion: @escaping (Result<JSON, BoxError>) -> Void) {
        start(request) { result in
            completion(result.flatMap { response in Result { () throws(BoxError) -> JSON in try response.json() } })
        }
    }
}

/// The state of one `each` call.
private final class EachRun<Item, Value> {
    let client: BoxClient
    let items: [Item]
    let start: (Item, @escaping (Result<Value, BoxError>) -> Void) -> Void
    var concurrency: AdaptiveConcurrency
    var results: [Value?]
    var next = 0
    var inFlight = 0
    var failure: BoxError?
    var rateLimitedSeen: Int

    init(
        client: BoxClient, items: [Item], start: @escaping (Item, @escaping (Result<Value, BoxError>) -> Void) -> Void,
        window: Int
    ) {
        self.client = client
        self.items = items
        self.start = start
        concurrency = AdaptiveConcurrency(maximum: window)
        results = Array(repeating: nil, count: items.count)
        rateLimitedSeen = client.rateLimitedResponses
    }

    var isFinished: Bool { inFlight == 0 && (next == items.count || failure != nil) }

    func launch() {
        while inFlight < concurrency.limit, next < items.count, failure == nil {
            let index = next
            next += 1
            inFlight += 1
            start(items[index]) { [self] result in
                inFlight -= 1
                if client.rateLimitedResponses > rateLimitedSeen {
                    rateLimitedSeen = client.rateLimitedResponses
                    concurrency.rateLimited()
                }
                switch result {
                case .success(let value):
                    results[index] = value
                    concurrency.succeeded()
                case .failure(let error):
                    if failure == nil { failure = error }
                }
                launch()
            }
        }
        client.engine.sendPending()
    }

    func values() throws(BoxError) -> [Value] {
        if let failure { throw failure }
        guard isFinished else {
            throw BoxError(status: 0, code: "interrupted", message: "the reads were interrupted before they completed")
        }
        return results.map { $0! }
    }
}
