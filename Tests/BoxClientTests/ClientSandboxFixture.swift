/// A sandbox on loopback for one test, and clients signed in to it every way Box allows.
import BoxSandbox
import Foundation
import JSON
import TestSupport
@testable import BoxClient

final class ClientSandboxFixture {
    let sandbox: Sandbox
    let baseURL: String
    let root: URL
    let credentials: SandboxCredentials
    /// Every trace line of every client made here.
    var traceLines: [String] = []

    init(extraUsers: Int = 0, seed: SandboxSeed? = nil, faults: Faults = Faults(), jwt: Bool = true) throws {
        root = temporaryDirectory("boxclient-sandbox")
        sandbox = try Sandbox(
            seed: seed ?? DemoEnterprise.seed(extraUsers: extraUsers), faults: faults, stateDirectory: root,
            jwtConfigPath: jwt ? root.appendingPathComponent("jwt.json").path : nil)
        baseURL = try sandbox.start().absoluteString
        credentials = sandbox.credentials
    }

    deinit { sandbox.stop() }

    /// Retry waits shrunk for backoff (Retry-After is still honoured exactly).
    func settings(_ change: (inout ClientSettings) -> Void = { _ in }) -> ClientSettings {
        var s = ClientSettings(baseURL: baseURL)
        s.retry.baseInterval = 0.01
        s.engine.timeout = 30
        change(&s)
        return s
    }

    func client(_ signIn: SignIn, engine: HTTPEngine? = nil, _ change: (inout ClientSettings) -> Void = { _ in })
        -> BoxClient
    {
        let c = BoxClient(settings: settings(change), signIn: signIn, engine: engine)
        c.trace = { [unowned self] in self.traceLines.append($0.line) }
        return c
    }

    var developer: BoxClient { client(.accessToken(credentials.accessToken)) }

    var ccg: BoxClient {
        client(
            .clientCredentials(
                clientID: credentials.clientID, clientSecret: credentials.clientSecret,
                subject: .enterprise(credentials.enterpriseID)))
    }

    /// Requests the sandbox saw, API and token calls alike.
    func log(path: String? = nil) -> [SandboxRequestRecord] {
        sandbox.requestLog.filter { path == nil || $0.path == path }
    }

    func statuses(_ path: String) -> [Int] { log(path: path).map(\.status) }

    /// An OAuth sign-in as `boxlua login` makes it: approve on the sandbox's consent page,
    /// take the code from the redirect, exchange it; returns the client and its store.
    func oauthLogin(profile: String = "default") throws -> (BoxClient, TokenStore) {
        let store = TokenStore(
            profile: profile, environment: ["XDG_STATE_HOME": root.path + "/state"], baseURL: baseURL)
        let c = client(
            .oauth(
                clientID: credentials.clientID, clientSecret: credentials.clientSecret, refreshToken: nil, store: store)
        )
        let state = OAuthLogin.newState()
        let redirect = "http://localhost:3000/callback"
        let config = Configuration(
            profile: profile, environment: ["BOX_BASE_URL": baseURL, "BOX_REDIRECT_URI": redirect],
            profileValues: [:], profileSource: nil)
        let url =
            OAuthLogin.authorizeURL(configuration: config, clientID: credentials.clientID, state: state) + "&approve=1"
        var location: String?
        c.engine.submit(HTTPRequest(method: "GET", url: url)) { location = (try? $0.get())?.header("location") ?? "" }
        c.engine.run { location != nil }
        let code = try OAuthLogin.code(from: location ?? "", expectedState: state)
        try c.exchangeAuthorizationCode(code, redirectURI: redirect)
        return (c, store)
    }

    /// Revokes a token through Box's revoke endpoint, as a signed-out session would.
    func revoke(_ token: String) {
        let engine = HTTPEngine()
        var done = false
        let form = formEncode([
            ("client_id", credentials.clientID), ("client_secret", credentials.clientSecret), ("token", token),
        ])
        engine.submit(
            HTTPRequest(
                method: "POST", url: baseURL + "/oauth2/revoke",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        ) { _ in done = true }
        engine.run { done }
    }
}

func fileMode(_ path: String) -> Int {
    var st = stat()
    stat(path, &st)
    return Int(st.st_mode & 0o777)
}
