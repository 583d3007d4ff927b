/// Credentials stay where they belong: no password from BOX_BASE_URL in traces or errors, no
/// token-endpoint body echoed, tokens only for the base URL that issued them, a warning before
/// plain http leaves the machine, a bad JWT key refused at sign-in, one refresh at a time.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct CredentialSafetyTests {
    @Test func displayURLDropsUserinfoOnly() {
        #expect(displayURL("http://u:p@host:1/x?y=@z") == "http://host:1/x?y=@z")
        #expect(displayURL("https://a@b@api.box.com/2.0") == "https://api.box.com/2.0")
        #expect(
            displayURL("https://api.box.com/2.0/users?filter_term=a@b.c")
                == "https://api.box.com/2.0/users?filter_term=a@b.c")
        #expect(displayURL("sandbox") == "sandbox")
    }

    @Test func aPasswordInTheBaseURLNeverReachesTracesOrErrors() throws {
        let server = CannedServer([.json(404, #"{"code":"not_found","message":"no"}"#), .json(400, "{}")])
        defer { server.stop() }
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://admin:s3cretpw@")
        var s = ClientSettings(baseURL: base)
        s.retry.baseInterval = 0.01
        let c = BoxClient(settings: s, signIn: .accessToken("tok"))
        var lines: [String] = []
        c.trace = { lines.append($0.line) }
        do {
            _ = try c.getUser("42")
            Issue.record("a 404 succeeded")
        } catch {
            #expect(!error.url.contains("s3cretpw"))
            #expect(error.url == server.baseURL + "/2.0/users/42")
        }
        #expect(lines.count == 1)
        #expect(lines.allSatisfy { !$0.contains("s3cretpw") && $0.contains(server.baseURL) })
    }

    /// A proxy that echoes the token request's form must not put the secret on stderr.
    @Test(arguments: [400, 200])
    func aNonJSONTokenAnswerIsSummarisedNotEchoed(_ status: Int) throws {
        let echo = "client_id=app&client_secret=TOPSECRET&grant_type=client_credentials"
        let server = CannedServer([
            CannedServer.Answer(status: status, headers: [("Content-Type", "text/plain")], body: Array(echo.utf8))
        ])
        defer { server.stop() }
        let c = BoxClient(
            settings: ClientSettings(baseURL: server.baseURL),
            signIn: .clientCredentials(clientID: "app", clientSecret: "TOPSECRET", subject: .enterprise("1")))
        do {
            _ = try c.accessToken()
            Issue.record("a non-JSON token answer was accepted")
        } catch {
            #expect(!error.description.contains("TOPSECRET"))
            #expect(error.status == status)
            #expect(
                error.message
                    == "the token endpoint answered HTTP \(status) with a non-JSON body of \(echo.utf8.count) bytes (not shown: it may echo credentials)"
            )
        }
    }

    @Test func plainHTTPWarningsOnlyOffLoopback() {
        for quiet in [
            "https://api.box.com", "http://127.0.0.1:8080", "http://127.9.8.7", "http://localhost:3000/x",
            "http://[::1]:80", "http://u:p@LOCALHOST",
        ] {
            #expect(plainHTTPWarning(quiet) == nil, "\(quiet)")
        }
        #expect(
            plainHTTPWarning("http://u:p@box.example.com:8080/api")
                == "boxlua: warning: credentials go to box.example.com over plain http (BOX_BASE_URL is not https): anyone on the network can read them"
        )
        #expect(plainHTTPWarning("http://127.0.0.1.example.com") != nil)
        #expect(plainHTTPWarning("http://10.0.0.1") != nil)
    }

    /// Once per client, before the token leaves; not for loopback.
    @Test func aBearerTokenOverPlainHTTPWarnsOnce() throws {
        let engine = HTTPEngine(settings: EngineSettings(connectTimeout: 2, timeout: 5), clock: VirtualClock())
        let c = BoxClient(
            settings: ClientSettings(baseURL: "http://0.0.0.0:9"), signIn: .accessToken("t"), engine: engine)
        var warnings: [String] = []
        c.warn = { warnings.append($0) }
        #expect(throws: BoxError.self) { try c.me() }
        #expect(throws: BoxError.self) { try c.me() }
        #expect(warnings == [plainHTTPWarning("http://0.0.0.0:9")])

        let server = CannedServer([.json(200, "{}")])
        defer { server.stop() }
        let local = BoxClient(settings: ClientSettings(baseURL: server.baseURL), signIn: .accessToken("t"))
        local.warn = { warnings.append($0) }
        _ = try local.me()
        #expect(warnings.count == 1)
    }

    @Test func tokenFilesArePerBaseURL() throws {
        let root = temporaryDirectory("boxlua-tokens")
        let env = ["XDG_STATE_HOME": root.path]
        let box = TokenStore(profile: "work", environment: env)
        let sandbox = TokenStore(profile: "work", environment: env, baseURL: "http://u:pw@127.0.0.1:4000/")
        #expect(box.path == root.path + "/boxlua/tokens/work.json")
        #expect(sandbox.path.hasPrefix(root.path + "/boxlua/tokens/work@"))
        #expect(sandbox.path.hasSuffix(".json") && sandbox.path != box.path)
        #expect(sandbox.baseURL == "http://127.0.0.1:4000")
        try sandbox.save(StoredTokens(accessToken: "SA", refreshToken: "SR", expiresAt: 2_000_000_000))
        #expect(try box.load() == nil)
        #expect(try sandbox.load()?.accessToken == "SA")
        let text = try String(contentsOfFile: sandbox.path, encoding: .utf8)
        #expect(text.contains(#""base_url":"http://127.0.0.1:4000""#) && !text.contains("pw"))
        // A file recording another base URL (copied, or a hash collision) is not used.
        try FileManager.default.copyItem(atPath: sandbox.path, toPath: box.path)
        #expect(
            throws: ConfigError(
                "\(box.path) holds tokens for http://127.0.0.1:4000, not for BOX_BASE_URL https://api.box.com: not using them (run `boxlua login` for this base URL)"
            )
        ) {
            try box.load()
        }
        // The configuration picks the file of its BOX_BASE_URL: another base URL's tokens give no sign-in.
        let other = Configuration(
            profile: "work",
            environment: env.merging([
                "BOX_CLIENT_ID": "i", "BOX_CLIENT_SECRET": "s",
                "BOX_BASE_URL": "http://127.0.0.1:5000",
            ]) { $1 },
            profileValues: [:], profileSource: nil)
        #expect(other.tokenStore.path != sandbox.path)
        #expect(throws: ConfigError.self) { try other.signIn() }
        let same = Configuration(
            profile: "work",
            environment: env.merging([
                "BOX_CLIENT_ID": "i", "BOX_CLIENT_SECRET": "s",
                "BOX_BASE_URL": "http://127.0.0.1:4000",
            ]) { $1 },
            profileValues: [:], profileSource: nil)
        guard case .oauth(_, _, _, let store) = try same.signIn() else { Issue.record("not OAuth"); return }
        #expect(store.path == sandbox.path)
    }

    @Test func aWrongJWTPassphraseIsAConfigurationError() throws {
        let f = try ClientSandboxFixture(jwt: true)
        let path = try #require(f.credentials.jwtConfigPath)
        guard case .object(var top) = try JSON.parse(String(contentsOfFile: path, encoding: .utf8)),
            case .object(var app) = top["boxAppSettings"], case .object(var auth) = app["appAuth"]
        else { Issue.record("unexpected JWT config"); return }
        auth["passphrase"] = "not-the-passphrase"
        app["appAuth"] = .object(auth)
        top["boxAppSettings"] = .object(app)
        let bad = f.root.appendingPathComponent("bad-jwt.json").path
        try JSON.object(top).serialized().write(toFile: bad, atomically: true, encoding: .utf8)
        let config = Configuration(
            profile: "default", environment: ["BOX_JWT_CONFIG": bad], profileValues: [:], profileSource: nil)
        do {
            _ = try config.signIn()
            Issue.record("a wrong passphrase was accepted")
        } catch {
            #expect(error.message.hasPrefix("\(bad): cannot decrypt the private key with its passphrase"))
            #expect(!error.message.contains("not-the-passphrase"))
        }
    }

    /// Several clients (each on its own thread and engine, as separate processes would be) find
    /// the access token expired at once; the sandbox's refresh tokens are single-use, so only
    /// one may refresh, and the others must use what it stored.
    @Test func concurrentRefreshesTakeTurns() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let (_, store) = try f.oauthLogin()
        var stored = try #require(try store.load())
        stored.expiresAt = 0
        try store.save(stored)
        var faults = Faults()
        faults.latencyMilliseconds = 300  // every refresh is slow, so all clients start theirs before the first ends
        f.sandbox.faults = faults
        let tokenCallsBefore = f.log(path: "/oauth2/token").count
        let settings = f.settings()
        let credentials = f.credentials
        let n = 3
        let results = Results(count: n)
        let gate = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for i in 0..<n {
            done.enter()
            Thread {
                gate.wait()
                let c = BoxClient(
                    settings: settings,
                    signIn: .oauth(
                        clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                        refreshToken: nil, store: store))
                results.set(i, Result { () throws(BoxError) in try c.me(fields: "id")["id"]?.stringValue ?? "" })
                done.leave()
            }.start()
        }
        for _ in 0..<n { gate.signal() }
        #expect(done.wait(timeout: .now() + 120) == .success)
        for r in results.all {
            #expect((try? r?.get()) == credentials.adminUserID, "\(String(describing: r))")
        }
        #expect(f.log(path: "/oauth2/token").count - tokenCallsBefore == 1)
        #expect(try store.load()?.refreshToken != stored.refreshToken)
    }

    /// Ctrl-C while another process holds the refresh lock ends the wait at once.
    @Test(.timeLimit(.minutes(1)))
    func anInterruptEndsTheWaitForTheRefreshLock() throws {
        let root = temporaryDirectory("boxlua-lock")
        let store = TokenStore(path: root.path + "/t.json")
        try store.save(StoredTokens(accessToken: "old", refreshToken: "R", expiresAt: 0))
        let held = try #require(try store.tryLock())
        defer { held.release() }
        #expect(try store.tryLock() == nil)
        let c = BoxClient(
            settings: ClientSettings(baseURL: "http://127.0.0.1:9"),
            signIn: .oauth(clientID: "i", clientSecret: "s", refreshToken: nil, store: store))
        c.engine.shouldInterrupt = { true }
        do {
            _ = try c.me()
            Issue.record("signed in without the lock")
        } catch {
            #expect(error.code == "interrupted")
            #expect(error.message == "interrupted while waiting for \(store.path).lock")
        }
    }
}

/// Per-thread results, filled from several threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<String, BoxError>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<String, BoxError>) { lock.withLock { values[i] = r } }

    var all: [Result<String, BoxError>?] { lock.withLock { values } }
}
