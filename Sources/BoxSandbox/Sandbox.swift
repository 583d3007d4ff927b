/// The Box emulator: an enterprise in memory served over loopback HTTP with Box's routes,
/// status codes, bodies and errors. Tests and `boxlua sandbox` drive it through this class.
#if canImport(Glibc)
    import Glibc
#endif
import FoundationEssentials
import HTTPServer
import JSON
import Signing

public struct SandboxCredentials: Sendable {
    public var baseURL: URL?
    /// A developer token of the admin.
    public var accessToken: String
    public var clientID: String
    public var clientSecret: String
    public var enterpriseID: String
    public var jwtConfigPath: String?
    public var adminUserID: String
    public var serviceAccountUserID: String
}

public struct SandboxRequestRecord: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var status: Int
    public var asUser: String?
}

public final class Sandbox: @unchecked Sendable {
    /// Guards the state; broadcast when a request is logged (``waitForRequests``).
    let lock = ConditionLock()
    let state: SandboxState
    let tokens = TokenStore()
    private var server: HTTPServer?
    private var log: [SandboxRequestRecord] = []
    private var currentFaults: Faults
    /// The faults for code that already holds the lock.
    var faultsUnsafe: Faults { currentFaults }
    private var requestCount = 0
    private var changeCount = 0
    private var creds: SandboxCredentials
    let router = Router.box
    /// `rate_limit=N/min`: each user's token bucket.
    let rateLimiter = RateLimiter()
    /// `latency_ms` and `jitter_ms`: the same sequence of latencies on every start.
    private var latencies = JitteredLatency()

    /// - Parameters:
    ///   - seed: the enterprise to serve (`SandboxSeed.demo()`, `SandboxSeed.load(from:)`).
    ///   - faults: injected failures; can be changed while running through `faults`.
    ///   - stateDirectory: where `jwt-config.json` lives when `jwtConfigPath` is nil.
    ///   - jwtConfigPath: where the console-style JWT config lives; created (with a fresh key pair)
    ///     when missing, trusted either way. nil: no JWT config (keys can still be trusted with `trustJWTKey`).
    public init(seed: SandboxSeed, faults: Faults = Faults(), stateDirectory: URL? = nil, jwtConfigPath: String? = nil)
        throws
    {
        state = SandboxState(seed: seed)
        currentFaults = faults
        let now = BoxTime.now()
        let devToken = tokens.issue(userID: seed.adminUserID, clientID: nil, now: now, lifetime: nil, developer: true)
        let configPath = jwtConfigPath ?? stateDirectory.map { $0.appendingPathComponent("jwt-config.json").path }
        creds = SandboxCredentials(
            baseURL: nil, accessToken: devToken, clientID: seed.clientID, clientSecret: seed.clientSecret,
            enterpriseID: seed.enterpriseID, jwtConfigPath: configPath, adminUserID: seed.adminUserID,
            serviceAccountUserID: seed.serviceAccountUserID)
        if let configPath {
            let config = try JWTConfigFile.loadOrCreate(
                path: configPath, clientID: seed.clientID, clientSecret: seed.clientSecret,
                enterpriseID: seed.enterpriseID)
            state.clients[config.clientID] = config.clientSecret
            tokens.jwtKeys[config.publicKeyID] = config.publicKey
        }
    }

    deinit { stop() }

    /// The largest body an API route reads: Box's JSON requests are small.
    static let maxJSONBodyBytes = 1 << 20
    /// The largest body of the OAuth endpoints, whose forms are a few fields.
    static let maxFormBodyBytes = 64 * 1024

    /// Serves on 127.0.0.1:`port` (0: a free port); returns the base URL.
    public func start(port: UInt16 = 0, limits: HTTPServerLimits = HTTPServerLimits()) throws -> URL {
        let server = HTTPServer(
            limits: limits,
            admit: { [weak self] request in self?.admit(request) ?? .readBody(maxBytes: 0) },
            errorResponder: { status, message in Self.serverError(status, message) }
        ) { [weak self] request in
            self?.handle(request) ?? HTTPResponse(status: 503, text: "the sandbox is stopping\n")
        }
        let bound = try server.start(port: port)
        var parts = URLComponents()
        parts.scheme = "http"
        parts.host = "127.0.0.1"
        parts.port = Int(bound)
        guard let url = parts.url else {
            server.stop()
            throw SandboxSeedError(message: "cannot form the sandbox's base URL for port \(bound)")
        }
        withLock {
            self.server = server
            creds.baseURL = url
        }
        return url
    }

    /// Stops serving: closes the listener and every connection.
    public func stop() {
        let s = withLock { () -> HTTPServer? in
            defer { server = nil }
            return server
        }
        s?.stop()
    }

    public var credentials: SandboxCredentials { withLock { creds } }

    /// The requests served so far, oldest first (at most the last 200,000).
    public var requestLog: [SandboxRequestRecord] { withLock { log } }

    static let maxLogRecords = 200_000

    /// Waits until `condition` holds for the request log (re-checked each time a request
    /// is logged); false when `timeout` seconds pass first.
    public func waitForRequests(timeout: TimeInterval, until condition: ([SandboxRequestRecord]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !condition(log) {
            if !lock.wait(until: deadline) { return condition(log) }
        }
        return true
    }

    /// Waits until no client connection is open, so every request a finished (or killed)
    /// client sent has been handled and logged; false when `timeout` seconds pass first.
    public func waitUntilNoOpenConnections(timeout: TimeInterval) -> Bool {
        guard let server = withLock({ server }) else { return true }
        return server.waitUntilNoOpenConnections(timeout: timeout)
    }

    /// Also starts a new count of `peakRequestsInProgress`.
    public func clearRequestLog() {
        withLock {
            log.removeAll()
            peakInProgress = inProgress
        }
    }

    /// Requests being answered now: a test waits for 0 after killing a client, so that a
    /// request the dead process left in flight is in the log before it looks.
    public var requestsInProgress: Int { withLock { inProgress } }
    private var inProgress = 0
    /// The most requests answered at once since the start or `clearRequestLog()` (a test's
    /// view of how many calls a client keeps in flight).
    public var peakRequestsInProgress: Int { withLock { peakInProgress } }
    private var peakInProgress = 0

    public var faults: Faults {
        get { withLock { currentFaults } }
        set { withLock { currentFaults = newValue } }
    }

    /// Trusts an RSA public key for JWT assertions whose header names `kid` = `id`.
    public func trustJWTKey(id: String, publicKeyPEM: String) throws {
        let key = try RSAPublicKey(pem: publicKeyPEM)
        withLock { tokens.jwtKeys[id] = key }
    }

    /// Writes the current state in the seed format.
    public func save(to url: URL) throws {
        try withLock { state.seed() }.save(to: url)
    }

    /// The current state as seed JSON, for assertions.
    public func stateSnapshot() -> JSON { withLock { state.seed().json() } }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Decides from a request's head whether its body is read. A request its route refuses
    /// anyway (no such route, no or a bad token, a bad As-User) is answered at once, so a
    /// client without a token cannot make the sandbox hold its body.
    func admit(_ request: HTTPRequest) -> HTTPAdmission {
        let (refused, maxBody) = withLock { () -> (Bool, Int) in
            switch router.match(method: request.method, path: request.path) {
            case .notFound, .methodNotAllowed:
                return (true, 0)
            case .found(let route, let params):
                guard route.isAPI else { return (false, Self.maxFormBodyBytes) }
                var context = RequestContext(request: request, params: params, now: BoxTime.now(), sandbox: self)
                return ((try? context.authenticate()) == nil, Self.maxJSONBodyBytes)
            }
        }
        return refused ? .answer(handle(request)) : .readBody(maxBytes: maxBody)
    }

    /// The HTTP server's own refusals (malformed or oversized requests, timeouts, too many
    /// connections) in Box's error shape. 503 is Box's `unavailable` (the ClientError code enum
    /// in Box's OpenAPI description); Box documents no body for 408/413/414/431, so their
    /// codes are the status's name.
    static func serverError(_ status: Int, _ message: String) -> HTTPResponse {
        let code: String
        switch status {
        case 400: code = "bad_request"
        case 503: code = "unavailable"
        default: code = HTTPResponse.reason(status).lowercased().replacing(" ", with: "_")
        }
        return Reply.error(BoxErrorReply(status: status, code: code, message: message))
            .response(requestID: SecureRandom.hex(8), faults: Faults())
    }

    /// Answers one request: faults, routing, auth, the route, then the request log and capture.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let requestID = SecureRandom.hex(8)
        withLock {
            inProgress += 1
            peakInProgress = max(peakInProgress, inProgress)
        }
        defer { withLock { inProgress -= 1 } }
        let latency = withLock { latencies.next(currentFaults) }
        if latency > 0 { usleep(useconds_t(latency * 1000)) }
        let (response, route) = withLock { () -> (HTTPResponse, String) in
            let (reply, route, asUser) = dispatch(request, requestID: requestID)
            let response = reply.response(requestID: requestID, faults: currentFaults)
            // Bounded, so a sandbox left running for days does not grow without end.
            if log.count >= Self.maxLogRecords { log.removeFirst(Self.maxLogRecords / 2) }
            log.append(
                SandboxRequestRecord(
                    method: request.method, path: request.path, query: request.query, status: response.status,
                    asUser: asUser))
            lock.broadcast()
            return (response, route)
        }
        if CaptureLog.shared.enabled {
            CaptureLog.shared.append(
                method: request.method, route: route, query: request.query, status: response.status,
                contentType: response.headers["Content-Type"] ?? "", body: response.body)
        }
        return response
    }

    /// Finds the route and runs it; returns the reply, the route template and the As-User id.
    private func dispatch(_ request: HTTPRequest, requestID: String) -> (Reply, String, String?) {
        let asUser = request.headers["As-User"]
        switch router.match(method: request.method, path: request.path) {
        case .notFound:
            return (.error(BoxErrorReply.notFound()), "unmatched", asUser)
        case .methodNotAllowed(let template):
            return (
                .error(BoxErrorReply(status: 405, code: "method_not_allowed", message: "Method Not Allowed")), template,
                asUser
            )
        case .found(let route, let params):
            if route.isAPI { requestCount += 1 }
            if route.isAPI, let fault = apiFault() { return (.error(fault), route.template, asUser) }
            var context = RequestContext(request: request, params: params, now: BoxTime.now(), sandbox: self)
            do {
                if route.isAPI { try context.authenticate() }
                if route.isAPI, let user = context.caller,
                    let retryAfter = rateLimiter.admit(userID: user.id, faults: currentFaults, now: monotonicSeconds())
                {
                    return (.error(.rateLimited(retryAfter: retryAfter)), route.template, asUser)
                }
                let reply = try route.handler(&context)
                if route.isAPI, request.method != "GET", let lost = lostAnswer() {
                    return (.error(lost), route.template, asUser)
                }
                return (reply, route.template, asUser)
            } catch let e as BoxErrorReply {
                return (.error(e), route.template, asUser)
            } catch let e as OAuthError {
                return (.oauthError(e), route.template, asUser)
            } catch {
                return (
                    .error(BoxErrorReply(status: 500, code: "internal_server_error", message: "Internal Server Error")),
                    route.template, asUser
                )
            }
        }
    }

    /// The 502 that replaces the answer of a change already made, if its number comes up.
    private func lostAnswer() -> BoxErrorReply? {
        let every = currentFaults.gatewayErrorAfterChangeEvery
        guard every > 0 else { return nil }
        changeCount += 1
        return changeCount % every == 0 ? BoxErrorReply(status: 502, code: "bad_gateway", message: "Bad Gateway") : nil
    }

    /// The injected failure for this API request, if its number comes up.
    private func apiFault() -> BoxErrorReply? {
        let f = currentFaults
        if f.rateLimitEvery > 0, requestCount % f.rateLimitEvery == 0 {
            return .rateLimited(retryAfter: f.retryAfter)
        }
        if f.serverErrorEvery > 0, requestCount % f.serverErrorEvery == 0 {
            return BoxErrorReply(status: 500, code: "internal_server_error", message: "Internal Server Error")
        }
        return nil
    }
}
