/// Access tokens for every sign-in kind: reused until they expire or Box rejects them,
/// fetched once however many calls are waiting, rotated refresh tokens saved before use.
import JSON

final class TokenManager {
    let signIn: SignIn
    /// Sends a form to the token endpoint; set by the client.
    var post: (_ form: [(String, String)], _ completion: @escaping (Result<JSON, BoxError>) -> Void) -> Void = { _, c in
        c(.failure(BoxError(status: 0, code: "internal_error", message: "token endpoint not wired")))
    }
    var now: () -> Double = wallClockNow
    /// Runs an action later from the engine's loop; set by the client (waiting for a lock
    /// must not block the loop, which may be driving the lock holder's own calls). False when
    /// the engine is being interrupted (Ctrl-C): then nothing should wait any more.
    var schedule: (_ seconds: Double, _ action: @escaping () -> Void) -> Bool = { _, _ in false }

    /// The token in use and when to stop using it: a little before Box's stated expiry
    /// (60 s, or a tenth of a short lifetime), so no call goes out with a dying token.
    private var current: (token: String, renewAt: Double)?
    private var rejected: Set<String> = []
    private var waiters: [(Result<String, BoxError>) -> Void] = []
    private var fetching = false

    init(signIn: SignIn) { self.signIn = signIn }

    var canRefresh: Bool {
        if case .accessToken = signIn { return false }
        return true
    }

    /// Hands `completion` a usable token, now or after one shared fetch.
    func token(_ completion: @escaping (Result<String, BoxError>) -> Void) {
        if let c = current, now() < c.renewAt {
            completion(.success(c.token))
            return
        }
        waiters.append(completion)
        guard !fetching else { return }
        fetching = true
        fetch { result in
            self.fetching = false
            let waiting = self.waiters
            self.waiters = []
            for w in waiting { w(result) }
        }
    }

    /// Box answered 401 to `token`: never hand it out again.
    func invalidate(_ token: String) {
        rejected.insert(token)
        if current?.token == token { current = nil }
    }

    private func fetch(_ done: @escaping (Result<String, BoxError>) -> Void) {
        switch signIn {
        case .accessToken(let token):
            current = (token, .infinity)
            done(.success(token))
        case .clientCredentials(let id, let secret, let subject):
            let form = [
                ("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret),
                ("box_subject_type", subject.type), ("box_subject_id", subject.id),
            ]
            post(form) { self.accept($0, done) }
        case .jwt(let config, let subject):
            let assertion: String
            do {
                assertion = try JWTAssertion.make(config: config, subject: subject, now: now())
            } catch {
                return done(.failure(BoxError(status: 0, code: "config_error", message: error.message)))
            }
            let form = [
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion),
                ("client_id", config.clientID), ("client_secret", config.clientSecret),
            ]
            post(form) { self.accept($0, done) }
        case .oauth(let id, let secret, let envRefresh, let store):
            refreshOAuth(id: id, secret: secret, envRefresh: envRefresh, store: store, done)
        }
    }

    /// A JWT/CCG answer: keep the token until `expires_in` runs out.
    private func accept(_ result: Result<JSON, BoxError>, _ done: (Result<String, BoxError>) -> Void) {
        switch result {
        case .failure(let e): done(.failure(e))
        case .success(let json):
            guard let token = json["access_token"]?.stringValue else { return done(.failure(malformed())) }
            current = (token, renewAt(expiresAt: now() + expiresIn(json), lifetime: expiresIn(json)))
            done(.success(token))
        }
    }

    func expiresIn(_ json: JSON) -> Double { tokenLifetime(json["expires_in"]) }

    func renewAt(expiresAt: Double, lifetime: Double) -> Double {
        expiresAt - min(60, max(0, lifetime) / 10)
    }

    func malformed() -> BoxError {
        BoxError(status: 200, code: "invalid_response", message: "the token endpoint answered without an access_token")
    }
}

extension TokenManager {
    /// OAuth: a stored access token still valid (perhaps saved by another run), else a
    /// refresh with the stored refresh token, falling back to the environment's.
    fileprivate func refreshOAuth(
        id: String, secret: String, envRefresh: String?, store: TokenStore,
        _ done: @escaping (Result<String, BoxError>) -> Void
    ) {
        if useStoredAccessToken(store, done) { return }
        // Box's refresh tokens are single-use: refresh under the store's lock, and read the
        // store again once it is held, since another process may have rotated the pair.
        lockStore(store, deadline: now() + Self.lockPatience) { locked in
            switch locked {
            case .failure(let e): done(.failure(e))
            case .success(let lock):
                let release: (Result<String, BoxError>) -> Void = { result in
                    lock.release()
                    done(result)
                }
                if self.useStoredAccessToken(store, release) { return }
                let stored = try? store.load()
                var candidates: [String] = []
                if let r = stored?.refreshToken { candidates.append(r) }
                if let r = envRefresh, !candidates.contains(r) { candidates.append(r) }
                self.refresh(candidates[...], id: id, secret: secret, store: store, release)
            }
        }
    }

    /// Seconds to wait for another process's refresh (its token call has a 60 s timeout).
    static let lockPatience = 180.0

    /// Hands out the stored access token when it is still good; false when a refresh is needed.
    private func useStoredAccessToken(_ store: TokenStore, _ done: (Result<String, BoxError>) -> Void) -> Bool {
        let stored: StoredTokens?
        do { stored = try store.load() } catch {
            done(.failure(storeError(error)))
            return true
        }
        guard let s = stored, !rejected.contains(s.accessToken), now() < s.expiresAt - 60 else { return false }
        current = (s.accessToken, s.expiresAt - 60)
        done(.success(s.accessToken))
        return true
    }

    /// The store's lock, polled every 50 ms from the engine's loop while someone else holds it.
    private func lockStore(
        _ store: TokenStore, deadline: Double, _ completion: @escaping (Result<TokenStoreLock, BoxError>) -> Void
    ) {
        do {
            if let lock = try store.tryLock() { return completion(.success(lock)) }
        } catch {
            return completion(.failure(storeError(error)))
        }
        guard now() < deadline else {
            return completion(
                .failure(
                    BoxError(
                        status: 0, code: "token_store_error",
                        message:
                            "another boxlua has been refreshing the tokens in \(store.path) for \(Int(Self.lockPatience)) s (lock \(store.path).lock)"
                    )))
        }
        let waiting = schedule(0.05) { self.lockStore(store, deadline: deadline, completion) }
        if !waiting {
            completion(
                .failure(
                    BoxError(
                        status: 0, code: "interrupted", message: "interrupted while waiting for \(store.path).lock")))
        }
    }

    private func refresh(
        _ candidates: ArraySlice<String>, id: String, secret: String, store: TokenStore,
        _ done: @escaping (Result<String, BoxError>) -> Void
    ) {
        guard let refreshToken = candidates.first else {
            return done(
                .failure(
                    BoxError(
                        status: 0, code: "config_error",
                        message: "no refresh token for this profile: run `boxlua login` (or set BOX_REFRESH_TOKEN)")))
        }
        let form = [
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", id),
            ("client_secret", secret),
        ]
        post(form) { result in
            switch result {
            case .failure(let e) where e.code == "invalid_grant" && candidates.count > 1:
                self.refresh(candidates.dropFirst(), id: id, secret: secret, store: store, done)
            case .failure(let e):
                done(.failure(e))
            case .success(let json):
                self.saveRotated(json, store: store, done)
            }
        }
    }

    /// Box has just invalidated the old refresh token: the new pair goes to disk before
    /// the new access token is used, so a crash never strands the user.
    private func saveRotated(_ json: JSON, store: TokenStore, _ done: (Result<String, BoxError>) -> Void) {
        guard let access = json["access_token"]?.stringValue else { return done(.failure(malformed())) }
        let tokens = StoredTokens(
            accessToken: access, refreshToken: json["refresh_token"]?.stringValue, expiresAt: now() + expiresIn(json))
        do { try store.save(tokens) } catch { return done(.failure(storeError(error))) }
        current = (access, renewAt(expiresAt: tokens.expiresAt, lifetime: expiresIn(json)))
        done(.success(access))
    }

    private func storeError(_ e: ConfigError) -> BoxError {
        BoxError(status: 0, code: "token_store_error", message: e.message)
    }
}

/// Seconds an access token lives, from a token answer's `expires_in`: a hint, so a value that
/// is missing or not a number gives Box's usual 3600 and one out of range is clamped to
/// 0...one year, never a trap later when it is turned into an integer.
func tokenLifetime(_ expiresIn: JSON?) -> Double {
    guard let v = expiresIn?.doubleValue, v.isFinite else { return 3600 }
    return min(max(v, 0), 31_536_000)
}
