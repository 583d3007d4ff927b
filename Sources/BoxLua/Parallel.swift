/// `box.parallel(items, fn, {workers=8})`: fn(item) for each item in coroutines whose Box
/// calls are in flight together on the client's one engine (curl multi, one thread).
///
/// A worker that makes a Box call yields (see `BoxRuntime.perform`); this loop drives the
/// engine and resumes each worker when its reply is in. The engine's shared pause makes a
/// 429 seen by one worker hold back all of them, and fewer items run at once after a 429
/// (`AdaptiveConcurrency`), more again as calls succeed. Results come back in item order.
import BoxClient
import CLua
import JSON
import LuaHost

final class ParallelWorker {
    let coroutine: LuaCoroutine
    let index: Int64
    /// True while the worker waits for a Box reply.
    var waiting = false
    var outcome: Result<CallOutcome, BoxError>?

    init(coroutine: LuaCoroutine, index: Int64) {
        self.coroutine = coroutine
        self.index = index
    }

    func deliver(_ result: Result<CallOutcome, BoxError>) { outcome = result }

    func take() -> Result<CallOutcome, BoxError> {
        defer { outcome = nil }
        return outcome!
    }
}

final class ParallelScheduler {
    private var workers: [OpaquePointer: ParallelWorker] = [:]
    var isRunning = false
    /// The most requests seen in flight at once during the last box.parallel (for tests).
    var peakInFlight = 0
    /// False: always `workers` items at once, whatever Box answers (tests compare the two).
    var isAdaptive = true
    /// The fewest items allowed at once during the last box.parallel (for tests).
    var lowestLimit = 0

    func worker(for thread: OpaquePointer) -> ParallelWorker? { workers[thread] }
    func add(_ w: ParallelWorker) { workers[w.coroutine.stack.L] = w }
    func remove(_ w: ParallelWorker) { workers[w.coroutine.stack.L] = nil }
}

extension BoxRuntime {
    func parallel(_ call: LuaCall) throws -> LuaResult {
        let items = try call.table(1)
        let fn = try call.function(2)
        var workerCount: Int64 = 8
        if let opts = try call.optionalTable(3) {
            if call.stack.rawGet(at: opts, key: "workers") != .nil {
                guard let n = call.stack.pullInteger(at: -1), n >= 1, n <= 64 else {
                    call.stack.pop()
                    throw call.argumentError(3, "'workers' must be an integer from 1 to 64")
                }
                workerCount = n
            }
            call.stack.pop()
        }
        guard !scheduler.isRunning else { throw LuaMessage("box.parallel cannot run inside box.parallel") }
        guard let state = call.state else { throw LuaMessage("box.parallel: no Lua state") }
        let (client, _) = try client()
        scheduler.isRunning = true
        scheduler.peakInFlight = 0
        defer { scheduler.isRunning = false }

        let stack = call.stack
        let total = stack.rawLength(at: items)
        stack.newTable(arrayCount: Int32(clamping: total))
        let results = stack.absolute(-1)
        var next: Int64 = 1
        var active: [ParallelWorker] = []
        var fatal: LuaError?
        let progressTask = progress?.begin("box.parallel", total: Int(total))
        defer { progressTask?.end() }
        var concurrency = AdaptiveConcurrency(maximum: Int(workerCount))
        var rateLimitedSeen = client.rateLimitedResponses
        scheduler.lowestLimit = concurrency.limit

        // Settles a worker that stopped: stores {ok=true, value=v} or {ok=false, error=e}.
        func settle(_ w: ParallelWorker, _ resume: LuaResume) {
            switch resume {
            case .yielded:
                if w.waiting { return }
                store(w.index, ok: false) { $0.pushString("box.parallel: fn yielded outside a Box call") }
            case .finished(let n):
                progressTask?.advance()
                store(w.index, ok: true) { s in
                    guard n > 0 else { return s.pushNil() }
                    let co = w.coroutine.stack
                    // fn's results may fill the coroutine's stack: copying the first needs a
                    // slot; without one, the others are dropped (the coroutine is dead).
                    if co.reserve(1) { co.pushCopy(of: -n) } else { co.pop(n - 1) }
                    lua_xmove(co.L, s.L, 1)
                }
            case .failed(let error):
                progressTask?.advance()
                if isFatal(error) && fatal == nil { fatal = error }
                store(w.index, ok: false) { s in
                    if let v = error.value { v.push(onto: s) } else { s.pushString(error.message) }
                }
            }
            scheduler.remove(w)
            active.removeAll { $0 === w }
        }

        func store(_ index: Int64, ok: Bool, _ pushValue: (LuaStack) -> Void) {
            stack.newTable(fieldCount: 2)
            stack.pushBoolean(ok)
            stack.rawSet(at: -2, key: "ok")
            pushValue(stack)
            stack.rawSet(at: -2, key: ok ? "value" : "error")
            stack.rawSet(at: results, index: index)
        }

        func startWorker(_ index: Int64) {
            fn.push(onto: stack)
            let w = ParallelWorker(coroutine: LuaCoroutine(state: state), index: index)
            scheduler.add(w)
            active.append(w)
            settle(
                w,
                w.coroutine.resume { co in
                    _ = stack.rawGet(at: items, index: index)
                    lua_xmove(stack.L, co.L, 1)
                    return 1
                })
        }

        while true {
            // After a fatal error or Ctrl-C no worker starts or resumes; the replies already
            // on their way are still taken in, so the audit log records what reached Box.
            let stopping = fatal != nil || state.interruptRequested
            let limit = scheduler.isAdaptive ? concurrency.limit : Int(workerCount)
            scheduler.lowestLimit = min(scheduler.lowestLimit, limit)
            while !stopping && active.count < limit && next <= total {
                startWorker(next)
                next += 1
            }
            if active.isEmpty { break }
            if stopping && active.allSatisfy({ $0.outcome != nil || !$0.waiting }) { break }
            client.engine.run {
                scheduler.peakInFlight = max(scheduler.peakInFlight, client.engine.inFlight)
                let stopNow = fatal != nil || state.interruptRequested
                return stopNow
                    ? active.allSatisfy { $0.outcome != nil || !$0.waiting } : active.contains { $0.outcome != nil }
            }
            if client.engine.isIdle && !active.contains(where: { $0.outcome != nil }) {
                // Nothing can deliver the replies these workers wait for: never spin.
                for w in active where w.outcome == nil && w.waiting {
                    w.deliver(.failure(BoxError(status: 0, code: "internal_error", message: "a Box call was lost")))
                }
            }
            if client.rateLimitedResponses > rateLimitedSeen {
                rateLimitedSeen = client.rateLimitedResponses
                concurrency.rateLimited()
            }
            if fatal != nil || state.interruptRequested { continue }
            for w in active where w.outcome != nil {
                concurrency.succeeded()
                settle(w, w.coroutine.resume { _ in 0 })
            }
        }
        for w in active { scheduler.remove(w) }
        if state.interruptRequested { throw LuaInterruption() }
        if let fatal {
            if let v = fatal.value { throw fatal.reraising(v) }
            throw LuaMessage(fatal.message)
        }
        return .results(1)
    }

    /// Errors that end the whole run, not just one item: the delete guard and Ctrl-C.
    private func isFatal(_ error: LuaError) -> Bool {
        if error.kind == .interrupted { return true }
        if case .object(let o)? = error.data, case .string("max_deletes")? = o["code"] { return true }
        return false
    }
}

extension LuaError {
    func reraising(_ value: LuaReference) -> LuaError {
        LuaError(kind: kind, message: message, traceback: traceback, value: value, data: data)
    }
}
