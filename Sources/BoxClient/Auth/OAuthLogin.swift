/// The OAuth 2.0 authorization-code flow behind `boxlua login`: URL, callback, code exchange.
import JSON
import Signing

public enum OAuthLogin {
    /// A fresh random `state` for one sign-in.
    public static func newState() -> String { SecureRandom.token(32) }

    /// The URL the admin opens: Box's consent page (or the sandbox's) for this app.
    public static func authorizeURL(configuration: Configuration, clientID: String, state: String) -> String {
        let query = formEncode([
            ("response_type", "code"), ("client_id", clientID),
            ("redirect_uri", configuration.redirectURI), ("state", state),
        ])
        let base = configuration.authorizeURL
        return base + (base.contains("?") ? "&" : "?") + query
    }

    /// The code in what came back: a redirect target or full URL (whose `state` must match),
    /// or a bare pasted code.
    public static func code(from input: String, expectedState: String) throws(ConfigError) -> String {
        let text = input.trimmingWhitespace()
        guard text.contains("?") || text.contains("code=") || text.contains("error=") else {
            guard !text.isEmpty, !text.contains(" ") else { throw ConfigError("no authorization code given") }
            return text
        }
        let query = text.split(separator: "?", maxSplits: 1).last ?? ""
        let fields = formDecode(query.split(separator: "#").first ?? "")
        func field(_ name: String) -> String? { fields.last { $0.0 == name }?.1 }
        if let error = field("error") {
            throw ConfigError("sign-in refused: \(error)\(field("error_description").map { ": \($0)" } ?? "")")
        }
        guard field("state") == expectedState else {
            throw ConfigError(
                "the redirect's state does not match this sign-in (a stale or forged redirect); run `boxlua login` again"
            )
        }
        guard let code = field("code"), !code.isEmpty else {
            throw ConfigError("the redirect holds no authorization code")
        }
        return code
    }
}

extension BoxClient {
    /// Exchanges an authorization code for tokens and stores them (OAuth sign-in only).
    @discardableResult
    public func exchangeAuthorizationCode(_ code: String, redirectURI: String) throws(BoxError) -> StoredTokens {
        guard case .oauth(let id, let secret, _, let store) = signIn else {
            throw BoxError(status: 0, code: "config_error", message: "exchanging a code needs an OAuth 2.0 sign-in")
        }
        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("client_id", id), ("client_secret", secret),
            ("redirect_uri", redirectURI),
        ]
        var result: Result<JSON, BoxError>?
        postToken(form) { result = $0 }
        let json = try wait(for: { result }, what: BoxRequest("POST", "/oauth2/token"))
        guard let access = json["access_token"]?.stringValue else {
            throw BoxError(
                status: 200, code: "invalid_response", message: "the token endpoint answered without an access_token")
        }
        let tokens = StoredTokens(
            accessToken: access, refreshToken: json["refresh_token"]?.stringValue,
            expiresAt: wallClock() + tokenLifetime(json["expires_in"]))
        do { try store.save(tokens) } catch {
            throw BoxError(status: 0, code: "token_store_error", message: error.message)
        }
        return tokens
    }
}
