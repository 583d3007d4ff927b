/// The Box client: every call goes through `start`, the one place requests are sent.
import Glibc
import JSON

/// What a mutation hook decides for a call that would change Box.
public enum MutationDecision: Sendable {
    /// Send it for real.
    case send
    /// Do not send; answer with this instead (a dry run's plausible result).
    case respond(BoxResponse)
    /// Do not send; fail with this error (a guard such as `--max-deletes`).
    case refuse(BoxError)
}

/// Consulted once for every call that would change Box (not GET/HEAD, not token calls),
/// before it is sent. It may start other calls (reads run for real) before deciding.
public typealias MutationHook = (BoxRequest, @escaping (MutationDecision) -> Void) -> Void

/// Told once, when a call that changes Box and was actually sent has its final outcome,
/// with the number of HTTP tries it took.
public typealias SentObserver = (BoxRequest, Result<BoxResponse, BoxError>, Int) -> Void

/// What a change checker found on Box about a change whose earlier try may have reached it.
public enum ChangeCheck: Sendable, Equatable {
    /// Box shows the change made: it is not sent again. The record as the check read it (the
    /// updated or created user), when it read one, stands in for the answer the cut-off try lost.
    case made(JSON?)
    /// Box shows it not made: it is safe to send again.
    case notMade
    /// Box cannot tell (or the check failed), saying why: it is not sent again.
    case unknown(String)
}

/// Asked before a change whose earlier try may have reached Box is tried again.
public typealias ChangeChecker = (BoxRequest, @escaping (ChangeCheck) -> Void) -> Void

/// A signed-in Box client on one `HTTPEngine`. Single-threaded: use it from the thread
/// that drives its engine.
public final class BoxClient {
    public let settings: ClientSettings
    public let engine: HTTPEngine
    public var mutationHook: MutationHook?
    public var sentObserver: SentObserver?
    /// Without one, a change cut off after it may have arrived (or answered 5xx) fails
    /// instead of being sent again; with one, it is resent only when Box shows it not made.
    public var changeChecker: ChangeChecker?
    public var trace: TraceSink?
    /// Told of every page a ``BoxPager`` of this client receives (nil when its listing ended
    /// on an empty page), so long listings can show progress.
    public var pageObserver: ((BoxPager, BoxPage?) -> Void)?
    /// A number in 0...1 for backoff jitter; tests may fix it.
    public var random: () -> Double = { Double.random(in: 0...1) }
    /// Unix time, for Retry-After dates and token expiry.
    public var wallClock: () -> Double = wallClockNow {
        didSet { tokens.now = wallClock }
    }
    /// Where a warning line goes (the plain-http one); stderr unless a caller routes it.
    public var warn: (String) -> Void = writeStderrLine
    private var warnedPlainHTTP = false
    /// How many answers so far were 429 (each try counts): box.parallel lowers its calls in
    /// flight when this grows.
    public internal(set) var rateLimitedResponses = 0
    let tokens: TokenManager

    public init(settings: ClientSettings, signIn: SignIn, engine: HTTPEngine? = nil) {
        self.settings = settings
        self.engine = engine ?? HTTPEngine(settings: settings.engine)
        self.tokens = TokenManager(signIn: signIn)
        tokens.post = { [unowned self] form, completion in self.postToken(form, completion) }
        tokens.schedule = { [unowned self] seconds, action in
            guard !self.engine.isInterrupting else { return false }
            self.engine.schedule(after: seconds, action)
            return true
        }
    }

    /// The client the configuration describes (environment first, then the profile).
    public convenience init(configuration: Configuration) throws(ConfigError) {
        self.init(settings: try configuration.clientSettings(), signIn: try configuration.signIn())
    }

    public var signIn: SignIn { tokens.signIn }

    /// Starts `request`; `completion` runs from the engine's loop with the final outcome,
    /// after the mutation hook, token, retries and refresh-on-401 have had their say.
    public func start(_ request: BoxRequest, completion: @escaping (Result<BoxResponse, BoxError>) -> Void) {
        var r = request
        if r.asUser == nil { r.asUser = settings.asUser }
        CallTask(client: self, request: r, kind: .api, completion: completion).begin()
    }

    /// Sends `request` and drives the engine until it completes.
    public func send(_ request: BoxRequest) throws(BoxError) -> BoxResponse {
        var result: Result<BoxResponse, BoxError>?
        start(request) { result = $0 }
        return try wait(for: { result }, what: request)
    }

    /// Sends `request` and parses its body as JSON (null for an empty body).
    public func json(_ request: BoxRequest) throws(BoxError) -> JSON {
        try send(request).json()
    }

    /// Obtains (or reuses) an access token now; useful to check credentials early.
    public func accessToken() throws(BoxError) -> String {
        var result: Result<String, BoxError>?
        tokens.token { result = $0 }
        engine.run { result != nil }
        guard let result else {
            throw BoxError(status: 0, code: "internal_error", message: "the token call never completed")
        }
        return try result.get()
    }

    /// Posts a form to `/oauth2/token` with retries, no Authorization and no hook.
    public func postToken(_ form: [(String, String)], _ completion: @escaping (Result<JSON, BoxError>) -> Void) {
        let request = BoxRequest("POST", "/oauth2/token")
        CallTask(client: self, request: request, kind: .token(form)) { result in
            completion(
                result.flatMap { r in
                    Result { () throws(BoxError) in
                        do { return try r.json() } catch {
                            throw BoxError(
                                status: r.status, code: "invalid_response", message: tokenBodySummary(r),
                                requestID: r.requestID, method: "POST", url: displayURL(self.url(for: request)))
                        }
                    }
                })
        }.begin()
    }

    func wait<T>(for result: () -> Result<T, BoxError>?, what request: BoxRequest) throws(BoxError) -> T {
        engine.run { result() != nil }
        guard let r = result() else {
            throw BoxError(
                status: 0, code: "internal_error", message: "the request never completed",
                method: request.method, url: displayURL(url(for: request)))
        }
        return try r.get()
    }

    func url(for request: BoxRequest) -> String { settings.baseURL + request.pathAndQuery }

    /// Warns once per client before a token or a secret first goes over plain http to a
    /// host that is not loopback.
    func warnIfPlainHTTP(_ url: String) {
        guard !warnedPlainHTTP, let line = plainHTTPWarning(url) else { return }
        warnedPlainHTTP = true
        warn(line)
    }
}

/// Writes `line` and a newline to stderr in one write.
public func writeStderrLine(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}
