/// Credentials from the environment first, then the profile; settings; clear errors.
import Foundation
import Testing
import TestSupport
@testable import BoxClient

struct ConfigurationTests {
    func home(_ toml: String?) throws -> [String: String] {
        let root = temporaryDirectory()
        if let toml {
            try FileManager.default.createDirectory(
                atPath: root.path + "/config/boxlua", withIntermediateDirectories: true)
            try toml.write(toFile: root.path + "/config/boxlua/config.toml", atomically: true, encoding: .utf8)
        }
        return ["HOME": root.path, "XDG_CONFIG_HOME": root.path + "/config", "XDG_STATE_HOME": root.path + "/state"]
    }

    @Test func environmentWinsOverProfile() throws {
        var env = try home(
            "[profiles.default]\naccess_token = \"from-profile\"\nbase_url = \"http://127.0.0.1:1\"\nmax_attempts = 7\n"
        )
        env["BOX_ACCESS_TOKEN"] = "from-env"
        let c = try Configuration.load(environment: env)
        guard case .accessToken(let t) = try c.signIn() else { Issue.record("not an access token"); return }
        #expect(t == "from-env")
        let s = try c.clientSettings()
        #expect(s.baseURL == "http://127.0.0.1:1")
        #expect(s.retry.maxAttempts == 7)
    }

    @Test func profileByFlagOrVariable() throws {
        var env = try home(
            "[profiles.default]\naccess_token = \"d\"\n[profiles.ops]\nclient_id = \"i\"\nclient_secret = \"s\"\nenterprise_id = \"5\"\n"
        )
        env["BOXLUA_PROFILE"] = "ops"
        guard case .clientCredentials(let id, _, let subject) = try Configuration.load(environment: env).signIn() else {
            Issue.record("not CCG"); return
        }
        #expect(id == "i")
        #expect(subject == .enterprise("5"))
        guard case .accessToken = try Configuration.load(environment: env, profile: "default").signIn() else {
            Issue.record("flag did not win"); return
        }
    }

    @Test func completeEnvironmentSignInBeatsProfileJWT() throws {
        var env = try home("[profiles.default]\njwt_config = \"/nonexistent.json\"\n")
        env["BOX_CLIENT_ID"] = "i"
        env["BOX_CLIENT_SECRET"] = "s"
        env["BOX_USER_ID"] = "77"
        guard case .clientCredentials(_, _, let subject) = try Configuration.load(environment: env).signIn() else {
            Issue.record("not CCG"); return
        }
        #expect(subject == .user("77"))
    }

    @Test func missingCredentialsSayWhatToSet() throws {
        let env = try home(nil)
        #expect(throws: ConfigError.self) { try Configuration.load(environment: env).signIn() }
        do { _ = try Configuration.load(environment: env).signIn() } catch {
            #expect(error.message.contains("BOX_ACCESS_TOKEN"))
            #expect(error.message.contains("BOX_JWT_CONFIG"))
            #expect(error.message.contains("BOX_CLIENT_ID") && error.message.contains("config.toml"))
            #expect(error.message.count < 190, "one short line: \(error.message)")
        }
    }

    @Test func unknownExplicitProfileAndBadNumbers() throws {
        let env = try home("[profiles.default]\nmax_wait = \"lots\"\n")
        #expect(throws: ConfigError.self) { try Configuration.load(environment: env, profile: "nope") }
        #expect(throws: ConfigError("BOXLUA_MAX_WAIT must be a number from 0 to 86400 (got 'lots')")) {
            try Configuration.load(environment: env).clientSettings()
        }
        let broken = try home("[profiles.default\n")
        do { _ = try Configuration.load(environment: broken) } catch {
            #expect(error.message.hasSuffix("/config/boxlua/config.toml:1: expected ']' to close the table name"))
        }
    }

    @Test func authorizeURLRules() throws {
        var env = try home(nil)
        #expect(try Configuration.load(environment: env).authorizeURL == "https://account.box.com/api/oauth2/authorize")
        env["BOX_BASE_URL"] = "http://127.0.0.1:8080/"
        #expect(try Configuration.load(environment: env).authorizeURL == "http://127.0.0.1:8080/oauth2/authorize")
        env["BOX_AUTHORIZE_URL"] = "https://example.test/auth"
        #expect(try Configuration.load(environment: env).authorizeURL == "https://example.test/auth")
        #expect(try Configuration.load(environment: env).redirectURI == "http://localhost:3000/callback")
    }

    @Test func oauthNeedsARefreshTokenOrAStore() throws {
        var env = try home(nil)
        env["BOX_CLIENT_ID"] = "i"
        env["BOX_CLIENT_SECRET"] = "s"
        #expect(throws: ConfigError.self) { try Configuration.load(environment: env).signIn() }
        env["BOX_REFRESH_TOKEN"] = "r"
        guard case .oauth(_, _, let r, _) = try Configuration.load(environment: env).signIn() else {
            Issue.record("not OAuth"); return
        }
        #expect(r == "r")
    }
}
