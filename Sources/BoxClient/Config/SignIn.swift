/// The four ways to sign in to Box, and how the configuration picks one.
import Files
import JSON

/// Whose token a server-auth app asks for.
public enum TokenSubject: Sendable, Equatable {
    case enterprise(String)
    case user(String)

    var type: String {
        if case .user = self { return "user" }
        return "enterprise"
    }

    var id: String {
        switch self {
        case .enterprise(let id), .user(let id): return id
        }
    }
}

public enum SignIn: Sendable {
    /// A developer token or any access token: used as is, never refreshed.
    case accessToken(String)
    /// Client Credentials Grant.
    case clientCredentials(clientID: String, clientSecret: String, subject: TokenSubject)
    /// JWT from the developer console's config file.
    case jwt(JWTAppConfig, subject: TokenSubject)
    /// OAuth 2.0 with rotating refresh tokens kept in `store`; `refreshToken` is the
    /// environment's, used when the store holds none (or holds a rejected one).
    case oauth(clientID: String, clientSecret: String, refreshToken: String?, store: TokenStore)

    /// What this sign-in is, for messages (never a secret).
    public var kind: String {
        switch self {
        case .accessToken: return "access token"
        case .clientCredentials: return "client credentials"
        case .jwt: return "JWT"
        case .oauth: return "OAuth 2.0"
        }
    }
}

extension Configuration {
    /// The sign-in the values describe: access token, then JWT, then client credentials,
    /// then OAuth refresh. A sign-in complete in the environment alone wins over the profile.
    public func signIn() throws(ConfigError) -> SignIn {
        let envOnly = Configuration(profile: profile, environment: environment, profileValues: [:], profileSource: nil)
        if let s = try envOnly.detectSignIn(store: tokenStore) { return s }
        if let s = try detectSignIn(store: tokenStore) { return s }
        throw ConfigError(missingCredentialsMessage())
    }

    private func detectSignIn(store: TokenStore) throws(ConfigError) -> SignIn? {
        if let token = value("BOX_ACCESS_TOKEN") { return .accessToken(token) }
        if let path = value("BOX_JWT_CONFIG") {
            let config = try JWTAppConfig.load(path: expandHome(path))
            try config.checkPrivateKey()
            let subject: TokenSubject =
                value("BOX_USER_ID").map { .user($0) }
                ?? config.userID.map { .user($0) } ?? .enterprise(config.enterpriseID)
            return .jwt(config, subject: subject)
        }
        guard let id = value("BOX_CLIENT_ID"), let secret = value("BOX_CLIENT_SECRET") else { return nil }
        if let user = value("BOX_USER_ID") {
            return .clientCredentials(clientID: id, clientSecret: secret, subject: .user(user))
        }
        if let ent = value("BOX_ENTERPRISE_ID") {
            return .clientCredentials(clientID: id, clientSecret: secret, subject: .enterprise(ent))
        }
        let refresh = value("BOX_REFRESH_TOKEN")
        let stored = try store.load()
        if refresh != nil || stored != nil {
            return .oauth(clientID: id, clientSecret: secret, refreshToken: refresh, store: store)
        }
        return nil
    }

    func expandHome(_ path: String) -> String {
        path.hasPrefix("~/") ? (environment["HOME"] ?? "") + path.dropFirst(1) : path
    }

    /// One line under 200 characters (issue 13): which variables, and where the profile file is;
    /// `boxlua --help` and README have the details of each way to sign in.
    private func missingCredentialsMessage() -> String {
        if value("BOX_CLIENT_ID") != nil && value("BOX_CLIENT_SECRET") != nil {
            return "BOX_CLIENT_ID and BOX_CLIENT_SECRET name no subject: add BOX_ENTERPRISE_ID or BOX_USER_ID,"
                + " or run `boxlua login` (see boxlua --help)"
        }
        var file = Files.boxluaConfigFolder(environment: environment) + "/config.toml"
        if let home = environment["HOME"], !home.isEmpty, home != "/", file.hasPrefix(home + "/") {
            file = "~" + file.dropFirst(home.count)
        }
        let line =
            "no Box credentials: set BOX_ACCESS_TOKEN, BOX_JWT_CONFIG or BOX_CLIENT_ID/_SECRET,"
            + " or profile '\(profile)' in \(file) (see boxlua --help)"
        // A long home folder must not make the line wrap: name the file by its variable then.
        return line.count < 190
            ? line
            : "no Box credentials: set BOX_ACCESS_TOKEN, BOX_JWT_CONFIG or BOX_CLIENT_ID/_SECRET,"
                + " or profile '\(profile.prefix(20))' in $XDG_CONFIG_HOME/boxlua/config.toml (see boxlua --help)"
    }
}
