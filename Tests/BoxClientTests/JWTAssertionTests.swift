/// JWT sign-in: the console config file, the claims Box checks, and a signature that verifies.
import JSON
import Signing
import Testing
import TestSupport
@testable import BoxClient

struct JWTAssertionTests {
    static func config(key: RSAPrivateKey, passphrase: String = "s3cret pass") throws -> JWTAppConfig {
        try JWTAppConfig.parse(
            [
                "boxAppSettings": [
                    "clientID": "cid", "clientSecret": "csecret",
                    "appAuth": [
                        "publicKeyID": "kid-1", "privateKey": .string(try key.encryptedPEM(passphrase: passphrase)),
                        "passphrase": .string(passphrase),
                    ],
                ],
                "enterpriseID": "9001",
                "webhooks": ["primaryKey": "ignored"],
            ], path: "app.json")
    }

    @Test func signsVerifiableRS256WithBoxClaims() throws {
        let key = try RSAPrivateKey.generate()
        let cfg = try Self.config(key: key)
        let jwt = try JWTAssertion.make(config: cfg, subject: .enterprise("9001"), now: 1_000_000)
        let parts = jwt.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = try JSON.parse(Base64URL.decode(parts[0]) ?? [])
        #expect(header == ["alg": "RS256", "typ": "JWT", "kid": "kid-1"])
        let claims = try JSON.parse(Base64URL.decode(parts[1]) ?? [])
        #expect(claims["iss"] == "cid")
        #expect(claims["sub"] == "9001")
        #expect(claims["box_sub_type"] == "enterprise")
        #expect(claims["aud"] == "https://api.box.com/oauth2/token")
        #expect(claims["exp"] == .int(1_000_045))
        #expect(claims["jti"]?.stringValue?.count == 32)
        let signature = try #require(Base64URL.decode(parts[2]))
        #expect(
            try key.publicKey().verify(
                signature: signature, message: Array((parts[0] + "." + parts[1]).utf8), algorithm: .rs256))
        // A different key must not verify it: the check above can fail.
        #expect(
            try !RSAPrivateKey.generate().publicKey().verify(
                signature: signature, message: Array((parts[0] + "." + parts[1]).utf8), algorithm: .rs256))
    }

    @Test func userSubjectAndFreshJTI() throws {
        let cfg = try Self.config(key: try RSAPrivateKey.generate())
        let a = JWTAssertion.claims(config: cfg, subject: .user("77"), now: 5)
        let b = JWTAssertion.claims(config: cfg, subject: .user("77"), now: 5)
        #expect(a["box_sub_type"] == "user")
        #expect(a["sub"] == "77")
        #expect(a["jti"] != b["jti"])
    }

    @Test func wrongPassphraseIsAClearError() throws {
        let key = try RSAPrivateKey.generate()
        var bad = try JSON.parse(
            #"{"boxAppSettings":{"clientID":"c","clientSecret":"s","appAuth":{"publicKeyID":"k","privateKey":"","passphrase":"pw-xyzzy-41"}},"enterpriseID":"1"}"#
        )
        if case .object(var o) = bad, case .object(var app)? = o["boxAppSettings"],
            case .object(var auth)? = app["appAuth"]
        {
            auth["privateKey"] = .string(try key.encryptedPEM(passphrase: "right"))
            app["appAuth"] = .object(auth)
            o["boxAppSettings"] = .object(app)
            bad = .object(o)
        }
        let cfg = try JWTAppConfig.parse(bad, path: "app.json")
        #expect(throws: ConfigError.self) { try JWTAssertion.make(config: cfg, subject: .enterprise("1"), now: 0) }
        do {
            _ = try JWTAssertion.make(config: cfg, subject: .enterprise("1"), now: 0)
        } catch {
            #expect(error.message.hasPrefix("app.json: cannot decrypt the private key with its passphrase"))
            #expect(!error.message.contains("pw-xyzzy-41"))
        }
    }

    @Test func missingKeysAreNamed() {
        #expect(
            throws: ConfigError(
                "app.json: missing boxAppSettings.appAuth.publicKeyID (is this the JWT config file from Box's developer console?)"
            )
        ) {
            try JWTAppConfig.parse(
                ["boxAppSettings": ["clientID": "c", "clientSecret": "s", "appAuth": [:]], "enterpriseID": "1"],
                path: "app.json")
        }
    }
}
