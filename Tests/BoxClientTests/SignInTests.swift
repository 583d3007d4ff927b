/// Every sign-in kind against the sandbox, token reuse, refresh on 401, and OAuth rotation.
import BoxSandbox
import Foundation
import JSON
import Signing
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct SignInTests {
    @Test func developerTokenIsTheAdmin() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let me = try f.developer.me(fields: "id,login,role")
        #expect(me["id"]?.stringValue == f.credentials.adminUserID)
        #expect(me["role"] == "admin")
        #expect(f.log(path: "/oauth2/token").isEmpty)
    }

    @Test func developerTokenRejectedIsClearAndNotRefreshed() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.client(.accessToken("not-a-token"))
        #expect(throws: BoxError.self) { try c.me() }
        do { _ = try c.me() } catch {
            #expect(error.status == 401)
            #expect(error.description.contains("never refreshed, so set a new BOX_ACCESS_TOKEN"))
        }
        #expect(f.statuses("/2.0/users/me") == [401, 401])
        #expect(f.log(path: "/oauth2/token").isEmpty)
    }

    @Test func clientCredentialsEnterpriseAndUserSubjects() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.ccg
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.serviceAccountUserID)
        _ = try c.me()
        // One token, reused for both calls.
        #expect(f.log(path: "/oauth2/token").count == 1)
        let u = f.client(
            .clientCredentials(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret,
                subject: .user(f.credentials.adminUserID)))
        #expect(try u.me(fields: "id")["id"]?.stringValue == f.credentials.adminUserID)
    }

    @Test func clientCredentialsWrongSecretIsAnOAuthError() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.client(
            .clientCredentials(
                clientID: f.credentials.clientID, clientSecret: "wrong",
                subject: .enterprise(f.credentials.enterpriseID)))
        do {
            _ = try c.me()
            Issue.record("signed in with a wrong secret")
        } catch {
            #expect(error.status == 400)
            #expect(["invalid_client", "invalid_grant"].contains(error.code))
            #expect(error.url.hasSuffix("/oauth2/token"))
        }
        #expect(f.log(path: "/2.0/users/me").isEmpty)
    }

    @Test func jwtWithTheSandboxConsoleConfig() throws {
        let f = try ClientSandboxFixture()
        let config = try Configuration(
            profile: "default", environment: ["BOX_JWT_CONFIG": try #require(f.credentials.jwtConfigPath)],
            profileValues: [:], profileSource: nil
        ).signIn()
        #expect(try f.client(config).me(fields: "id")["id"]?.stringValue == f.credentials.serviceAccountUserID)
    }

    @Test func jwtWithAKeyGeneratedHereForEnterpriseAndUser() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let key = try RSAPrivateKey.generate()
        try f.sandbox.trustJWTKey(id: "test-kid", publicKeyPEM: try key.publicKeyPEM())
        let json: JSON = [
            "boxAppSettings": [
                "clientID": .string(f.credentials.clientID), "clientSecret": .string(f.credentials.clientSecret),
                "appAuth": [
                    "publicKeyID": "test-kid", "privateKey": .string(try key.encryptedPEM(passphrase: "pass-phrase-9")),
                    "passphrase": "pass-phrase-9",
                ],
            ],
            "enterpriseID": .string(f.credentials.enterpriseID),
        ]
        let path = f.root.appendingPathComponent("mine.json").path
        try json.serialized().write(toFile: path, atomically: true, encoding: .utf8)
        let cfg = try JWTAppConfig.load(path: path)
        #expect(
            try f.client(.jwt(cfg, subject: .enterprise(cfg.enterpriseID))).me(fields: "id")["id"]?.stringValue
                == f.credentials.serviceAccountUserID)
        #expect(
            try f.client(.jwt(cfg, subject: .user(f.credentials.adminUserID))).me(fields: "id")["id"]?.stringValue
                == f.credentials.adminUserID)
        // An untrusted key is refused by the token endpoint: the test above could fail.
        let other = try RSAPrivateKey.generate()
        let forged = JWTAppConfig(
            clientID: cfg.clientID, clientSecret: cfg.clientSecret, publicKeyID: "test-kid",
            privateKeyPEM: try other.encryptedPEM(passphrase: "x"), passphrase: "x",
            enterpriseID: cfg.enterpriseID, userID: nil, path: path)
        #expect(throws: BoxError.self) { try f.client(.jwt(forged, subject: .enterprise(cfg.enterpriseID))).me() }
    }

    @Test func unauthorizedThenRefreshThenSuccess() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.ccg
        _ = try c.me()
        f.revoke(try c.accessToken())
        f.sandbox.clearRequestLog()
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.serviceAccountUserID)
        #expect(f.statuses("/2.0/users/me") == [401, 200])
        #expect(f.statuses("/oauth2/token") == [200])
    }

    @Test func concurrentUnauthorizedCallsShareOneRefresh() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.ccg
        _ = try c.me()
        f.revoke(try c.accessToken())
        f.sandbox.clearRequestLog()
        var done = 0
        for _ in 0..<6 { c.start(BoxOperations.usersMe.request()) { if case .success = $0 { done += 1 } } }
        c.engine.run { done == 6 }
        #expect(done == 6)
        #expect(f.log(path: "/oauth2/token").count == 1)
    }

    @Test func tokensAreReusedUntilTheyAreAboutToExpire() throws {
        var faults = Faults()
        faults.expireTokensAfter = 100
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.ccg
        var offset = 0.0
        c.wallClock = { wallClockNow() + offset }
        _ = try c.me()
        offset = 50
        _ = try c.me()
        #expect(f.log(path: "/oauth2/token").count == 1)
        // Past 90% of its 100 s lifetime the token is renewed before use: no 401 needed.
        offset = 95
        _ = try c.me()
        #expect(f.log(path: "/oauth2/token").count == 2)
        #expect(f.statuses("/2.0/users/me") == [200, 200, 200])
    }

    @Test func manyFirstCallsShareOneTokenCall() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.ccg
        var done = 0
        for _ in 0..<6 { c.start(BoxOperations.usersMe.request()) { if case .success = $0 { done += 1 } } }
        c.engine.run { done == 6 }
        #expect(done == 6)
        #expect(f.log(path: "/oauth2/token").count == 1)
    }

    @Test func oauthLoginStoresTokensPrivately() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let (c, store) = try f.oauthLogin()
        let stored = try #require(try store.load())
        #expect(stored.refreshToken != nil)
        #expect(fileMode(store.path) == 0o600)
        #expect(fileMode((store.path as NSString).deletingLastPathComponent) == 0o700)
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.adminUserID)
        // The stored access token is reused: no refresh happened.
        #expect(f.log(path: "/oauth2/token").count == 1)
    }

    @Test func loginEndToEndThroughTheLoopbackListener() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let redirect = "http://localhost:\(freePort())/callback"
        let box = ListenerBox(try LoopbackListener(redirectURI: redirect))
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.arrival = box.listener.wait(input: nil, timeout: 30); done.signal()
        }.start()
        let config = Configuration(
            profile: "e2e",
            environment: [
                "BOX_BASE_URL": f.baseURL, "BOX_REDIRECT_URI": redirect,
                "XDG_STATE_HOME": f.root.path + "/state",
            ],
            profileValues: [:], profileSource: nil)
        let state = OAuthLogin.newState()
        // The browser: the consent page's approval redirects to the listener.
        let browser = HTTPEngine()
        var location: String?
        browser.submit(
            HTTPRequest(
                method: "GET",
                url: OAuthLogin.authorizeURL(configuration: config, clientID: f.credentials.clientID, state: state)
                    + "&approve=1")
        ) {
            location = (try? $0.get())?.header("location") ?? ""
        }
        browser.run { location != nil }
        var landed = 0
        browser.submit(HTTPRequest(method: "GET", url: location ?? "")) { landed = (try? $0.get().status) ?? -1 }
        browser.run { landed != 0 }
        done.wait()
        #expect(landed == 200)
        guard case .redirect(let target)? = box.arrival else { Issue.record("no redirect arrived"); return }
        let code = try OAuthLogin.code(from: target, expectedState: state)
        let c = f.client(
            .oauth(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret, refreshToken: nil,
                store: config.tokenStore))
        try c.exchangeAuthorizationCode(code, redirectURI: redirect)
        #expect(fileMode(config.tokenStore.path) == 0o600)
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.adminUserID)
        #expect(throws: ConfigError.self) { try OAuthLogin.code(from: target, expectedState: OAuthLogin.newState()) }
    }

    @Test func refreshTokenRotationIsPersistedAndTheOldOneIsDead() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let (_, store) = try f.oauthLogin()
        let first = try #require(try store.load())
        // Make the stored access token look expired, so the next client must refresh.
        try store.save(StoredTokens(accessToken: first.accessToken, refreshToken: first.refreshToken, expiresAt: 0))
        let c = f.client(
            .oauth(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret, refreshToken: nil,
                store: store))
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.adminUserID)
        let second = try #require(try store.load())
        #expect(second.refreshToken != first.refreshToken)
        #expect(second.accessToken != first.accessToken)
        #expect(fileMode(store.path) == 0o600)
        // The old refresh token was single-use.
        let stale = f.client(
            .oauth(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret,
                refreshToken: first.refreshToken,
                store: TokenStore(path: f.root.path + "/other/none.json")))
        do {
            _ = try stale.me()
            Issue.record("a used refresh token still worked")
        } catch {
            #expect(error.status == 400)
            #expect(error.code == "invalid_grant")
        }
    }

    @Test func oauthRefreshOn401ThenRetry() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let (c, store) = try f.oauthLogin()
        let before = try #require(try store.load())
        f.revoke(before.accessToken)
        f.sandbox.clearRequestLog()
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.adminUserID)
        #expect(f.statuses("/2.0/users/me") == [401, 200])
        let after = try #require(try store.load())
        #expect(after.refreshToken != before.refreshToken)
    }

    @Test func storedRefreshRejectedFallsBackToEnvironmentToken() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let (_, storeA) = try f.oauthLogin(profile: "a")
        let (_, storeB) = try f.oauthLogin(profile: "b")
        let good = try #require(try storeB.load()?.refreshToken)
        // Store A holds a dead pair; the environment holds B's live refresh token.
        try storeA.save(StoredTokens(accessToken: "dead", refreshToken: "dead-refresh", expiresAt: 0))
        let c = f.client(
            .oauth(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret, refreshToken: good,
                store: storeA))
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.adminUserID)
        #expect(try storeA.load()?.refreshToken != "dead-refresh")
    }
}
