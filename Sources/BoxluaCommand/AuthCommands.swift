/// `boxlua login` (OAuth 2.0 authorization code) and `boxlua whoami` (the signed-in user).
import BoxClient
import Foundation
import JSON

/// Options the two commands share: `--profile NAME`, `--verbose`, `--as-user ID`, `--code CODE`.
private struct AuthOptions {
    var profile: String?
    var verbose = false
    var asUser: String?
    var code: String?
    var help = false
}

/// Exit statuses as CONTRACT.md has them: 2 for usage and configuration, 1 for a failed call.
private func fail(_ status: Int32, _ message: String) -> Int32 {
    FileHandle.standardError.write(Data("boxlua: \(message)\n".utf8))
    return status
}

private func parseAuthOptions(_ args: [String], command: String, allowCode: Bool) -> Result<AuthOptions, ConfigError> {
    var o = AuthOptions()
    var i = 0
    while i < args.count {
        let a = args[i]
        let (name, inline) = a.hasPrefix("--") && a.contains("=")
            ? (String(a.prefix { $0 != "=" }), String(a.drop { $0 != "=" }.dropFirst())) : (a, nil)
        func value() -> String? {
            if let inline { return inline }
            i += 1
            return i < args.count ? args[i] : nil
        }
        switch name {
        case "-h", "--help": o.help = true
        case "--verbose": o.verbose = true
        case "--quiet": break
        case "--profile":
            guard let v = value() else { return .failure(ConfigError("\(command): --profile needs a name")) }
            o.profile = v
        case "--as-user":
            guard let v = value() else { return .failure(ConfigError("\(command): --as-user needs a user id")) }
            o.asUser = v
        case "--code" where allowCode:
            guard let v = value() else { return .failure(ConfigError("\(command): --code needs the authorization code")) }
            o.code = v
        default:
            return .failure(ConfigError("\(command): unknown option '\(a)' (see `boxlua \(command) --help`)"))
        }
        i += 1
    }
    return .success(o)
}

/// `boxlua login [--profile NAME] [--code CODE]`: prints the authorize URL, takes the
/// redirect on the loopback redirect URI or a pasted code/URL on stdin, stores the tokens.
func loginCommand(_ args: [String]) -> Int32 {
    let o: AuthOptions
    switch parseAuthOptions(args, command: "login", allowCode: true) {
    case .failure(let e): return fail(2, e.message)
    case .success(let v): o = v
    }
    if o.help {
        print("usage: boxlua login [--profile NAME] [--code CODE]\n"
            + "Signs in with OAuth 2.0 (BOX_CLIENT_ID, BOX_CLIENT_SECRET; BOX_REDIRECT_URI, BOX_AUTHORIZE_URL)\n"
            + "and stores the tokens under $XDG_STATE_HOME/boxlua/tokens/PROFILE.json (mode 0600);\n"
            + "for a BOX_BASE_URL other than Box's, PROFILE@HASH.json: each base URL has its own tokens.")
        return 0
    }
    do {
        let config = try Configuration.load(environment: ProcessInfo.processInfo.environment, profile: o.profile)
        guard let id = config.value("BOX_CLIENT_ID"), let secret = config.value("BOX_CLIENT_SECRET") else {
            return fail(2, "login needs the OAuth app's BOX_CLIENT_ID and BOX_CLIENT_SECRET (environment, or client_id and client_secret in [profiles.\(config.profile)])")
        }
        let state = OAuthLogin.newState()
        let code = try o.code ?? receiveCode(config: config, clientID: id, state: state)
        let client = BoxClient(settings: try config.clientSettings(),
                               signIn: .oauth(clientID: id, clientSecret: secret, refreshToken: nil, store: config.tokenStore))
        if o.verbose { client.trace = stderrTraceSink() }
        try client.exchangeAuthorizationCode(code, redirectURI: config.redirectURI)
        print("signed in; tokens saved to \(config.tokenStore.path)")
        return 0
    } catch let e as ConfigError {
        return fail(2, e.message)
    } catch {
        return fail(1, "login failed: \(error)")
    }
}

/// Prints the URL, then waits for the browser's redirect or a pasted code (10 minutes).
private func receiveCode(config: Configuration, clientID: String, state: String) throws(ConfigError) -> String {
    let url = OAuthLogin.authorizeURL(configuration: config, clientID: clientID, state: state)
    print("Open this URL in a browser and approve boxlua:\n\n  \(url)\n")
    var listener: LoopbackListener?
    do {
        listener = try LoopbackListener(redirectURI: config.redirectURI)
        print("Waiting for the redirect to \(config.redirectURI); or paste the code or the whole redirect URL here:")
    } catch {
        print("(\(error.message); paste the code or the whole redirect URL here instead:)")
    }
    fflushStdout()
    let arrival: LoopbackListener.Arrival?
    if let listener {
        arrival = listener.wait(input: 0, timeout: 600)
    } else {
        arrival = readLine().map { .pasted($0) }
    }
    switch arrival {
    case .redirect(let target): return try OAuthLogin.code(from: target, expectedState: state)
    case .pasted(let text): return try OAuthLogin.code(from: text, expectedState: state)
    case nil: throw ConfigError("login: no redirect and no code arrived")
    }
}

private func fflushStdout() { fflush(nil) }

/// `boxlua whoami`: id, name, login, role and enterprise of the signed-in user.
func whoamiCommand(_ args: [String]) -> Int32 {
    let o: AuthOptions
    switch parseAuthOptions(args, command: "whoami", allowCode: false) {
    case .failure(let e): return fail(2, e.message)
    case .success(let v): o = v
    }
    if o.help {
        print("usage: boxlua whoami [--profile NAME] [--as-user ID] [--verbose]\nPrints the signed-in user.")
        return 0
    }
    do {
        let config = try Configuration.load(environment: ProcessInfo.processInfo.environment, profile: o.profile)
        var settings = try config.clientSettings()
        settings.asUser = o.asUser
        let client = BoxClient(settings: settings, signIn: try config.signIn())
        if o.verbose { client.trace = stderrTraceSink() }
        let me = try client.me(fields: "id,name,login,role,enterprise")
        print(whoamiText(me))
        return 0
    } catch let e as ConfigError {
        return fail(2, e.message)
    } catch {
        return fail(1, "\(error)")
    }
}

private func whoamiText(_ me: JSON) -> String {
    func s(_ v: JSON?) -> String { v?.stringValue ?? v?.intValue.map { String($0) } ?? "-" }
    var enterprise = "-"
    if let e = me["enterprise"], !e.isNull {
        enterprise = "\(s(e["name"])) (id \(s(e["id"])))"
    }
    return ["id:         \(s(me["id"]))", "name:       \(s(me["name"]))", "login:      \(s(me["login"]))",
            "role:       \(s(me["role"]))", "enterprise: \(enterprise)"].joined(separator: "\n")
}
