/// No secret in any output: a verbose run of every sign-in kind, failures included, is scanned.
import BoxSandbox
import Foundation
import JSON
import Signing
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct SecretsTests {
    @Test func verboseRunsNeverShowASecret() throws {
        var faults = Faults()
        faults.rateLimitEvery = 4
        faults.retryAfter = 1
        let f = try ClientSandboxFixture(faults: faults)
        var output: [String] = []
        var secrets: Set<String> = [f.credentials.clientSecret, f.credentials.accessToken]

        // JWT, with the passphrase and key of the console config.
        let jwtPath = try #require(f.credentials.jwtConfigPath)
        let jwtConfig = try JWTAppConfig.load(path: jwtPath)
        secrets.insert(jwtConfig.passphrase)
        secrets.formUnion(jwtConfig.privateKeyPEM.split(separator: "\n").map(String.init).filter { $0.count > 20 })
        let jwt = f.client(.jwt(jwtConfig, subject: .enterprise(jwtConfig.enterpriseID)))
        _ = try jwt.me()
        secrets.insert(try jwt.accessToken())

        // Client credentials, then a revoked token and a refresh.
        let ccg = f.ccg
        _ = try ccg.me()
        let first = try ccg.accessToken()
        f.revoke(first)
        _ = try ccg.me()
        secrets.formUnion([first, try ccg.accessToken()])

        // OAuth: login, rotation, and a stale refresh token that fails.
        let (oauth, store) = try f.oauthLogin()
        let login = try #require(try store.load())
        try store.save(StoredTokens(accessToken: login.accessToken, refreshToken: login.refreshToken, expiresAt: 0))
        let rotated = f.client(
            .oauth(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret, refreshToken: nil,
                store: store))
        _ = try rotated.me()
        let after = try #require(try store.load())
        secrets.formUnion([login.accessToken, login.refreshToken ?? "", after.accessToken, after.refreshToken ?? ""])
        let stale = f.client(
            .oauth(
                clientID: f.credentials.clientID, clientSecret: f.credentials.clientSecret,
                refreshToken: login.refreshToken, store: TokenStore(path: f.root.path + "/none/x.json")))
        do { _ = try stale.me() } catch { output.append(error.description) }
        _ = oauth

        // Failures: a wrong secret, a bad developer token, a refused port.
        let wrong = f.client(
            .clientCredentials(
                clientID: f.credentials.clientID, clientSecret: "Zq9-not-the-secret-Zq9",
                subject: .enterprise(f.credentials.enterpriseID)))
        secrets.insert("Zq9-not-the-secret-Zq9")
        do { _ = try wrong.me() } catch { output.append(error.description) }
        do { _ = try f.client(.accessToken("bogus-token-Xy7")).me() } catch { output.append(error.description) }
        secrets.insert("bogus-token-Xy7")

        output += f.traceLines
        #expect(f.traceLines.count > 10)
        #expect(f.traceLines.contains { $0.contains("/oauth2/token -> 200") })
        #expect(f.traceLines.contains { $0.contains("-> 401") })
        #expect(f.traceLines.contains { $0.contains("-> 429") })
        let text = output.joined(separator: "\n")
        for secret in secrets where !secret.isEmpty {
            #expect(!text.contains(secret), "a secret appeared in the output")
        }
        #expect(!text.lowercased().contains("bearer"))
        #expect(!text.contains("client_secret"))
        #expect(!text.contains("assertion"))
    }
}
