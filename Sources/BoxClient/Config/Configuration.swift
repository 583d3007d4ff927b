/// Settings and credentials from the environment first, then the chosen profile of config.toml.
import Files

/// The version in the User-Agent header (`boxlua/<version>`).
public let boxluaVersion = "0.1.0"

/// How the client talks to Box: where, how patiently, and as what program.
public struct ClientSettings: Sendable {
    /// API root without a trailing slash: calls go to `baseURL/2.0/...`, tokens to `baseURL/oauth2/token`.
    public var baseURL: String
    public var engine: EngineSettings
    public var retry: RetrySettings
    /// Sent as `As-User` on every call that does not name its own.
    public var asUser: String?

    public init(
        baseURL: String = "https://api.box.com",
        engine: EngineSettings = EngineSettings(userAgent: "boxlua/\(boxluaVersion)"),
        retry: RetrySettings = RetrySettings(), asUser: String? = nil
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.engine = engine
        self.retry = retry
        self.asUser = asUser
    }

    public var isBoxProduction: Bool { baseURL == "https://api.box.com" }
}

/// Environment variables and profile keys, looked up environment first.
public struct Configuration: Sendable {
    public let profile: String
    public let environment: [String: String]
    /// The chosen profile's keys (lower case, without `BOX_`/`BOXLUA_`).
    public let profileValues: [String: String]
    /// Where the profile came from, for messages: `~/.config/boxlua/config.toml [profiles.x]`.
    public let profileSource: String?

    /// Reads config.toml (if any) for `profile` (else `$BOXLUA_PROFILE`, else `default`).
    /// A profile named explicitly must exist.
    public static func load(environment: [String: String], profile: String? = nil) throws(ConfigError) -> Configuration
    {
        let explicit = profile ?? environment["BOXLUA_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let name = explicit ?? "default"
        let path = Files.boxluaConfigFolder(environment: environment) + "/config.toml"
        guard let text = try readFileIfPresent(path) else {
            if let explicit { throw ConfigError("profile '\(explicit)' not found: \(path) does not exist") }
            return Configuration(profile: name, environment: environment, profileValues: [:], profileSource: nil)
        }
        let doc = try TOMLDocument.parse(text, file: path)
        guard let table = doc.tables["profiles.\(name)"] else {
            if let explicit {
                throw ConfigError("profile '\(explicit)' not found in \(path) (no [profiles.\(explicit)] table)")
            }
            return Configuration(profile: name, environment: environment, profileValues: [:], profileSource: nil)
        }
        return Configuration(
            profile: name, environment: environment, profileValues: table.mapValues { $0.text },
            profileSource: "\(path) [profiles.\(name)]")
    }

    public init(profile: String, environment: [String: String], profileValues: [String: String], profileSource: String?)
    {
        self.profile = profile
        self.environment = environment
        self.profileValues = profileValues
        self.profileSource = profileSource
    }

    /// `BOX_CLIENT_ID` from the environment, else `client_id` from the profile; empty is unset.
    public func value(_ variable: String) -> String? {
        if let v = environment[variable], !v.isEmpty { return v }
        return profileValue(variable)
    }

    func profileValue(_ variable: String) -> String? {
        var key = variable
        for prefix in ["BOXLUA_", "BOX_"] where key.hasPrefix(prefix) { key = String(key.dropFirst(prefix.count)) }
        return profileValues[key.lowercased()].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The profile's token file for this `BOX_BASE_URL`.
    public var tokenStore: TokenStore {
        TokenStore(profile: profile, environment: environment, baseURL: value("BOX_BASE_URL") ?? productionBaseURL)
    }

    /// The client settings these values ask for.
    public func clientSettings() throws(ConfigError) -> ClientSettings {
        var s = ClientSettings(baseURL: value("BOX_BASE_URL") ?? "https://api.box.com")
        guard s.baseURL.hasPrefix("https://") || s.baseURL.hasPrefix("http://") else {
            throw ConfigError("BOX_BASE_URL must start with https:// or http:// (got '\(s.baseURL)')")
        }
        s.retry.maxAttempts = try number("BOXLUA_MAX_ATTEMPTS", default: 5, range: 1...100).int
        s.retry.maxWait = try number("BOXLUA_MAX_WAIT", default: 300, range: 0...86_400)
        s.engine.timeout = try number("BOXLUA_TIMEOUT", default: 60, range: 0.1...86_400)
        s.engine.connectTimeout = try number("BOXLUA_CONNECT_TIMEOUT", default: 10, range: 0.1...3600)
        return s
    }

    private func number(_ variable: String, default d: Double, range: ClosedRange<Double>) throws(ConfigError) -> Double
    {
        guard let text = value(variable) else { return d }
        guard let v = Double(text), range.contains(v) else {
            throw ConfigError(
                "\(variable) must be a number from \(range.lowerBound.clean) to \(range.upperBound.clean) (got '\(text)')"
            )
        }
        return v
    }

    /// Where `boxlua login` sends the browser.
    public var authorizeURL: String {
        if let u = value("BOX_AUTHORIZE_URL") { return u }
        let base = ClientSettings(baseURL: value("BOX_BASE_URL") ?? "https://api.box.com")
        return base.isBoxProduction
            ? "https://account.box.com/api/oauth2/authorize" : base.baseURL + "/oauth2/authorize"
    }

    /// Users no change may touch (ids or logins): `protect = ["..."]` in the profile, or
    /// `BOXLUA_PROTECT` (comma-separated); added to `--protect`.
    public var protect: [String] {
        (value("BOXLUA_PROTECT") ?? "").split(separator: ",").map { String($0.filter { $0 != " " && $0 != "\t" }) }
            .filter { !$0.isEmpty }
    }

    /// The redirect URI `boxlua login` listens on.
    public var redirectURI: String { value("BOX_REDIRECT_URI") ?? "http://localhost:3000/callback" }
}

extension Double {
    fileprivate var int: Int { Int(self) }
    fileprivate var clean: String { self == rounded() ? String(Int(self)) : String(self) }
}
