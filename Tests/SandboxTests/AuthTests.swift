/// Sign-in over HTTP: client credentials, the consent page and authorization code, refresh
/// rotation, revoke, token expiry, JWT assertions checked as Box checks them.
import BoxSandbox
import Foundation
import HTTPServer
import JSON
import Signing
import Testing

/// Signs a JWT assertion the way Box's SDKs do, with claims that tests can spoil.
struct Assertion {
    var key: RSAPrivateKey
    var kid: String? = "testkey1"
    var alg = JWTAlgorithm.rs256
    var iss: String
    var sub: String
    var subType = "enterprise"
    var aud = "https://api.box.com/oauth2/token"
    var jti = SecureRandom.token(32)
    var exp = BoxTime.now() + 30

    func signed() throws -> String {
        var header: JSON = ["alg": .string(alg.rawValue), "typ": "JWT"]
        if let kid, case .object(var o) = header { o["kid"] = .string(kid); header = .object(o) }
        let claims: JSON = [
            "iss": .string(iss), "sub": .string(sub), "box_sub_type": .string(subType), "aud": .string(aud),
            "jti": .string(jti), "exp": .int(exp),
        ]
        let input = Base64URL.encode(header.serialized()) + "." + Base64URL.encode(claims.serialized())
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8), algorithm: alg))
    }
}

@Suite struct AuthTests {
    @Test func clientCredentialsForTheEnterpriseIsTheServiceAccount() throws {
        let f = try SandboxFixture()
        let r = try f.form(
            "/oauth2/token",
            [
                "grant_type": "client_credentials", "client_id": f.credentials.clientID,
                "client_secret": f.credentials.clientSecret, "box_subject_type": "enterprise",
                "box_subject_id": f.credentials.enterpriseID,
            ])
        #expect(r.status == 200 && r.json["token_type"] == "bearer" && r.json["refresh_token"] == nil)
        let token = try #require(r.json["access_token"]?.stringValue)
        let me = try f.call("GET", "/2.0/users/me", token: token).json
        #expect(me["id"] == .string(f.credentials.serviceAccountUserID))
        #expect(me["login"]?.stringValue?.hasPrefix("AutomationUser_2871043_") == true)
        #expect(try f.call("GET", "/2.0/users?limit=1", token: token).status == 200)
    }

    @Test func badGrantsGetOAuthErrors() throws {
        let f = try SandboxFixture()
        let c = f.credentials
        let wrong = try f.form(
            "/oauth2/token",
            [
                "grant_type": "client_credentials", "client_id": c.clientID, "client_secret": "nope",
                "box_subject_type": "enterprise", "box_subject_id": c.enterpriseID,
            ])
        #expect(wrong.status == 400 && wrong.json["error"] == "invalid_grant")
        #expect(wrong.json.objectValue?.keys == ["error", "error_description"])
        #expect(wrong.headers["Cache-Control"] == "no-store")
        let missing = try f.form("/oauth2/token", ["client_id": c.clientID])
        #expect(missing.json["error"] == "invalid_request")
        let badSubject = try f.form(
            "/oauth2/token",
            [
                "grant_type": "client_credentials", "client_id": c.clientID, "client_secret": c.clientSecret,
                "box_subject_type": "enterprise", "box_subject_id": "1",
            ])
        #expect(badSubject.json["error"] == "invalid_grant")
    }

    /// Follows the consent page's approval link like `curl` would and returns the redirect.
    private func authorize(_ f: SandboxFixture, state: String) throws -> URLComponents {
        let c = f.credentials
        let query =
            "response_type=code&client_id=\(c.clientID)&redirect_uri=\(URLEncoding.encode("http://localhost:3000/callback"))&state=\(URLEncoding.encode(state))"
        let page = try http("GET", f.port, "/oauth2/authorize?\(query)")
        #expect(page.status == 200 && page.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("<form method=\"post\""))
        let r = try http("GET", f.port, "/oauth2/authorize?\(query)&approve=1")
        #expect(r.status == 302)
        return try #require(URLComponents(string: r.headers["Location"] ?? ""))
    }

    @Test func authorizationCodeThenSingleUseRefreshRotation() throws {
        let f = try SandboxFixture()
        let c = f.credentials
        let redirect = try authorize(f, state: "xyz 1")
        #expect(redirect.host == "localhost" && redirect.path == "/callback")
        #expect(redirect.queryItems?.first { $0.name == "state" }?.value == "xyz 1")
        let code = try #require(redirect.queryItems?.first { $0.name == "code" }?.value)
        let base = ["client_id": c.clientID, "client_secret": c.clientSecret]
        let first = try f.form(
            "/oauth2/token", base.merging(["grant_type": "authorization_code", "code": code]) { a, _ in a })
        #expect(first.status == 200 && first.json["expires_in"] == 3600)
        #expect(
            try f.form("/oauth2/token", base.merging(["grant_type": "authorization_code", "code": code]) { a, _ in a })
                .json["error"] == "invalid_grant")
        let refresh1 = try #require(first.json["refresh_token"]?.stringValue)
        let second = try f.form(
            "/oauth2/token", base.merging(["grant_type": "refresh_token", "refresh_token": refresh1]) { a, _ in a })
        let refresh2 = try #require(second.json["refresh_token"]?.stringValue)
        #expect(refresh2 != refresh1)
        let reused = try f.form(
            "/oauth2/token", base.merging(["grant_type": "refresh_token", "refresh_token": refresh1]) { a, _ in a })
        #expect(
            reused.status == 400 && reused.json["error"] == "invalid_grant"
                && reused.json["error_description"] == "Invalid refresh token")
        let token = try #require(second.json["access_token"]?.stringValue)
        #expect(try f.call("GET", "/2.0/users/me", token: token).json["id"] == .string(c.adminUserID))
    }

    @Test func consentFormPostAndDenyRedirectToo() throws {
        let f = try SandboxFixture()
        let c = f.credentials
        let fields =
            "response_type=code&client_id=\(c.clientID)&redirect_uri=\(URLEncoding.encode("http://localhost:3000/cb?x=1"))&state=s"
        let approve = try http(
            "POST", f.port, "/oauth2/authorize", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array((fields + "&approve=1").utf8))
        #expect(
            approve.status == 302
                && approve.headers["Location"]?.hasPrefix("http://localhost:3000/cb?x=1&code=") == true)
        let deny = try http(
            "POST", f.port, "/oauth2/authorize", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array((fields + "&approve=0").utf8))
        #expect(deny.headers["Location"]?.contains("error=access_denied") == true)
        #expect(
            try http("GET", f.port, "/oauth2/authorize?response_type=code&client_id=unknown&redirect_uri=http://x")
                .status == 400)
    }

    @Test func revokedAndExpiredTokensGet401() throws {
        let f = try SandboxFixture()
        let token = try f.ccgToken()
        let revoke = try f.form(
            "/oauth2/revoke",
            ["client_id": f.credentials.clientID, "client_secret": f.credentials.clientSecret, "token": token])
        #expect(revoke.status == 200 && revoke.body.isEmpty)
        #expect(try f.call("GET", "/2.0/users/me", token: token).status == 401)
        var faults = Faults()
        faults.expireTokensAfter = 0
        f.sandbox.faults = faults
        #expect(try f.call("GET", "/2.0/users/me").status == 401)  // the developer token too
        faults.emptyUnauthorizedBody = true
        f.sandbox.faults = faults
        let empty = try f.call("GET", "/2.0/users/me")
        #expect(empty.status == 401 && empty.body.isEmpty)
        f.sandbox.faults = Faults()
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
    }

    @Test(arguments: JWTAlgorithm.allCases)
    func jwtAssertionsSignInWithEveryAlgorithm(alg: JWTAlgorithm) throws {
        let f = try SandboxFixture()
        let key = try RSAPrivateKey.generate(bits: 2048)
        try f.sandbox.trustJWTKey(id: "testkey1", publicKeyPEM: try key.publicKeyPEM())
        let c = f.credentials
        var a = Assertion(key: key, alg: alg, iss: c.clientID, sub: c.enterpriseID)
        let r = try jwt(f, a)
        #expect(r.status == 200 && r.json["refresh_token"] == nil)
        a.jti = SecureRandom.token(40)
        a.subType = "user"
        a.sub = c.adminUserID
        let token = try #require(try jwt(f, a).json["access_token"]?.stringValue)
        #expect(try f.call("GET", "/2.0/users/me", token: token).json["id"] == .string(c.adminUserID))
    }

    private func jwt(_ f: SandboxFixture, _ a: Assertion) throws -> TestResponse {
        try f.form(
            "/oauth2/token",
            [
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": try a.signed(),
                "client_id": f.credentials.clientID, "client_secret": f.credentials.clientSecret,
            ])
    }

    @Test func jwtChecksAudExpJtiKidSignatureAndSubject() throws {
        let f = try SandboxFixture()
        let key = try RSAPrivateKey.generate(bits: 2048)
        try f.sandbox.trustJWTKey(id: "testkey1", publicKeyPEM: try key.publicKeyPEM())
        let c = f.credentials
        let good = Assertion(key: key, iss: c.clientID, sub: c.enterpriseID)
        func rejected(_ change: (inout Assertion) throws -> Void, _ words: String) throws {
            var a = good
            a.jti = SecureRandom.token(20)
            try change(&a)
            let r = try jwt(f, a)
            #expect(r.status == 400, "\(words)")
            #expect(r.json["error_description"]?.stringValue?.contains(words) == true, "\(r.text)")
        }
        try rejected({ $0.aud = "http://127.0.0.1/oauth2/token" }, "'aud'")
        try rejected({ $0.exp = BoxTime.now() - 5 }, "'exp'")
        try rejected({ $0.exp = BoxTime.now() + 120 }, "'exp'")
        try rejected({ $0.jti = "short" }, "'jti'")
        try rejected({ $0.kid = "unknown" }, "'kid'")
        try rejected({ $0.key = try RSAPrivateKey.generate(bits: 2048) }, "Signature verification")
        try rejected(
            {
                $0.subType = "enterprise"; $0.sub = "1"
            }, "'sub'")
        try rejected({ $0.subType = "group" }, "'sub'")
        var once = good
        once.jti = SecureRandom.token(20)
        #expect(try jwt(f, once).status == 200)
        #expect(try jwt(f, once).json["error_description"]?.stringValue?.contains("'jti'") == true)
    }

    @Test func jwtConfigIsCreatedPrivatelyOnceAndTrusted() throws {
        let dir = temporaryDirectoryURL()
        let path = dir.appendingPathComponent("sub/jwt.json").path
        let f = try SandboxFixture(jwtConfigPath: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let config = try JSON.parse(text)
        let auth = try #require(config["boxAppSettings"]?["appAuth"])
        #expect(auth["privateKey"]?.stringValue?.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----") == true)
        #expect(config["enterpriseID"] == .string(f.credentials.enterpriseID))
        let key = try RSAPrivateKey(
            pem: auth["privateKey"]?.stringValue ?? "", passphrase: auth["passphrase"]?.stringValue)
        let a = Assertion(
            key: key, kid: auth["publicKeyID"]?.stringValue, iss: f.credentials.clientID,
            sub: f.credentials.enterpriseID)
        #expect(try jwt(f, a).status == 200)
        _ = try Sandbox(seed: .demo(), jwtConfigPath: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)  // reused, not regenerated

        // Another enterprise reuses the key but gets its own enterpriseID.
        var other = SandboxSeed.demo()
        other.enterpriseID = "777"
        _ = try Sandbox(seed: other, jwtConfigPath: path)
        let moved = try JSON.parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(
            moved["enterpriseID"] == "777" && moved["boxAppSettings"]?["appAuth"]?["publicKeyID"] == auth["publicKeyID"]
        )
    }
}

func temporaryDirectoryURL() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("boxlua-sandbox-test-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
