/// A single-threaded HTTP engine on libcurl's multi interface: many transfers in flight,
/// completion callbacks, timers, and one shared pause for rate limits.
#if canImport(Glibc)
    import Glibc
#endif
import CCurl

/// Drives libcurl from one thread. Nothing here blocks except `runOnce`, which waits at
/// most its timeout for sockets, timers or the end of a pause; callbacks run inside it.
///
/// Connections live in the multi handle's cache, so keep-alive reuse spans transfers.
public final class HTTPEngine {
    public let settings: EngineSettings
    public let clock: EngineClock
    /// No transfer starts before this instant (on `clock`); a 429 moves it forward.
    public private(set) var pausedUntil: Double = 0

    private let multi: UnsafeMutableRawPointer
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var waiting: [Transfer] = []
    private var timers: [(id: Int, at: Double, action: () -> Void)] = []
    private var idlePool: [UnsafeMutableRawPointer] = []
    private var nextID = 1
    private var interrupting = false

    /// Checked between loop turns (at least every 0.25 s): once it returns true, every
    /// call is stopped, so a Ctrl-C never waits out a Retry-After. The CLI sets it.
    public var shouldInterrupt: (() -> Bool)?

    /// Called at every loop turn (at least every 0.25 s while set), between waits: a progress
    /// line redraws from it. It must not run the engine.
    public var onTurn: (() -> Void)?

    /// The CURLcode-like number of the error an interrupted transfer fails with.
    public static let interruptedCode = -2

    public init(settings: EngineSettings = EngineSettings(), clock: EngineClock = MonotonicClock()) {
        curlGlobalInit()
        self.settings = settings
        self.clock = clock
        // curl_multi_init only fails when out of memory.
        guard let m = ccurl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        multi = m
    }

    deinit {
        for (easy, t) in running {
            ccurl_multi_remove_handle(multi, easy)
            ccurl_easy_cleanup(easy)
            t.release()
        }
        for easy in idlePool { ccurl_easy_cleanup(easy) }
        ccurl_multi_cleanup(multi)
    }

    /// True while `interruptAll` runs: whatever is scheduled now would only run at once.
    public var isInterrupting: Bool { interrupting }

    /// Transfers started or waiting to start, and timers not yet fired.
    public var isIdle: Bool { running.isEmpty && waiting.isEmpty && timers.isEmpty }
    public var inFlight: Int { running.count }

    /// Queues a transfer; it starts at the next `runOnce` once any pause has ended.
    @discardableResult
    public func submit(
        _ request: HTTPRequest, completion: @escaping (Result<HTTPResponse, TransportError>) -> Void
    ) -> Int {
        let id = takeID()
        waiting.append(Transfer(id: id, request: request, completion: completion))
        return id
    }

    /// Runs `action` from `runOnce` after `seconds` on the engine's clock.
    @discardableResult
    public func schedule(after seconds: Double, _ action: @escaping () -> Void) -> Int {
        let id = takeID()
        let at = clock.now + max(0, seconds)
        let index = timers.firstIndex { $0.at > at } ?? timers.endIndex
        timers.insert((id, at, action), at: index)
        return id
    }

    public func cancelTimer(_ id: Int) {
        timers.removeAll { $0.id == id }
    }

    /// Holds every transfer not yet started until `instant` (never moves a pause back).
    public func pause(until instant: Double) {
        pausedUntil = max(pausedUntil, instant)
    }

    /// Runs the loop until `done` returns true or nothing is left that could change it.
    public func run(until done: () -> Bool) {
        while !done() {
            if isIdle { return }
            onTurn?()
            if shouldInterrupt?() == true {
                interruptAll()
                continue
            }
            runOnce(timeout: shouldInterrupt == nil && onTurn == nil ? 1 : 0.25)
        }
    }

    /// Fails every transfer, started or not, as interrupted (not retriable) and runs every
    /// timer at once, so each pending call completes; what they start meanwhile fails too.
    public func interruptAll() {
        interrupting = true
        defer { interrupting = false }
        let failure = TransportError(curlCode: Self.interruptedCode, message: "interrupted", retriable: false)
        while !isIdle {
            var stopped = waiting
            waiting = []
            for (easy, t) in running {
                ccurl_multi_remove_handle(multi, easy)
                ccurl_easy_reset(easy)
                idlePool.append(easy)
                t.release()
                stopped.append(t)
            }
            running = [:]
            let fired = timers.map(\.action)
            timers = []
            for t in stopped { t.completion(.failure(failure)) }
            for action in fired { action() }
        }
    }

    /// Starts what may start, moves bytes, fires due timers and delivers completions;
    /// waits up to `timeout` seconds when there is nothing to do yet.
    public func runOnce(timeout: Double) {
        startWaiting()
        var stillRunning: Int32 = 0
        ccurl_multi_perform(multi, &stillRunning)
        let finished = collectFinished()
        let fired = takeDueTimers()
        if finished.isEmpty && fired.isEmpty {
            wait(upTo: timeout)
            return
        }
        for (t, result) in finished { t.completion(result) }
        for action in fired { action() }
    }

    /// Starts the queued transfers and lets libcurl send what it can at once, without waiting
    /// or delivering completions: a request started before the caller turns to other work
    /// (Lua handling a page) travels and is answered meanwhile. Safe to call from a completion.
    public func sendPending() {
        guard !waiting.isEmpty, !interrupting else { return }
        startWaiting()
        var stillRunning: Int32 = 0
        // A reused connection sends in the first call; a new one may need the second to connect.
        for _ in 0..<2 { ccurl_multi_perform(multi, &stillRunning) }
    }

    private func takeID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    private func startWaiting() {
        guard !waiting.isEmpty, !interrupting, clock.now >= pausedUntil else { return }
        let batch = waiting
        waiting = []
        for t in batch {
            let easy = idlePool.popLast() ?? ccurl_easy_init()
            guard let easy else {
                t.completion(.failure(TransportError(curlCode: -1, message: "out of memory", retriable: false)))
                continue
            }
            t.configure(easy, settings: settings, startedAt: clock.now)
            running[easy] = t
            ccurl_multi_add_handle(multi, easy)
        }
    }

    private func collectFinished() -> [(Transfer, Result<HTTPResponse, TransportError>)] {
        var done: [(Transfer, Result<HTTPResponse, TransportError>)] = []
        var queued: Int32 = 0
        while let msg = ccurl_multi_info_read(multi, &queued) {
            guard msg.pointee.msg == CURLMSG_DONE, let easy = ccurl_msg_easy(msg), let t = running[easy] else {
                continue
            }
            let result = t.finish(easy, code: ccurl_msg_result(msg), endedAt: clock.now)
            ccurl_multi_remove_handle(multi, easy)
            running[easy] = nil
            ccurl_easy_reset(easy)
            idlePool.append(easy)
            done.append((t, result))
        }
        return done
    }

    private func takeDueTimers() -> [() -> Void] {
        let now = clock.now
        var fired: [() -> Void] = []
        while let first = timers.first, first.at <= now {
            fired.append(first.action)
            timers.removeFirst()
        }
        return fired
    }

    /// Sleeps until the next event: a socket (when transfers run), a timer or the pause's end.
    private func wait(upTo timeout: Double) {
        let now = clock.now
        var until = now + max(0, timeout)
        if let t = timers.first { until = min(until, t.at) }
        if !waiting.isEmpty { until = min(until, max(pausedUntil, now)) }
        let delay = max(0, until - now)
        if running.isEmpty {
            clock.sleep(delay)
        } else {
            ccurl_multi_poll(multi, nil, 0, Int32(min(delay * 1000, 60_000).rounded(.up)), nil)
        }
    }
}

/// libcurl could not be loaded: no request can be made at all. A configuration error of the
/// machine (the CLI exits 2 with this line).
public struct LibcurlUnavailable: Error, CustomStringConvertible, Sendable {
    /// dlopen's reason.
    public let reason: String
    public var description: String { "cannot load libcurl.so.4 (Debian package libcurl4): \(reason)" }
}

extension HTTPEngine {
    /// Loads libcurl, once, if not loaded yet. Call it before making an engine (or a client)
    /// where its absence must be reported rather than stop the process.
    public static func loadLibcurl() throws(LibcurlUnavailable) {
        if case .failure(let error) = curlGlobal { throw error }
    }
}

/// Loads libcurl (see CCurl.h) and runs curl_global_init, which is not thread-safe: a lazily
/// initialised global does both exactly once.
private let curlGlobal: Result<Void, LibcurlUnavailable> = {
    if let error = ccurl_load() { return .failure(LibcurlUnavailable(reason: String(cString: error))) }
    _ = ccurl_global_init(Int(CURL_GLOBAL_DEFAULT))
    return .success(())
}()

/// An engine cannot exist without libcurl; a caller that must survive its absence calls
/// ``HTTPEngine/loadLibcurl()`` first.
private func curlGlobalInit() {
    if case .failure(let error) = curlGlobal { preconditionFailure("\(error)") }
}
