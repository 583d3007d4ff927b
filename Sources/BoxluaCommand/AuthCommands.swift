/// `boxlua login` (OAuth 2.0 authorization code) and `boxlua whoami` (the signed-in user).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Files
import BoxClient
import JSON

/// The options the two commands share: `--profile NAME`, `--as-user ID`, `--verbose`, `--quiet`
/// (accepted, as for every command, and without effect: they print only what was asked).
let authOptions: [LongOption] = [
    .flag("--help"), .flag("--verbose"), .flag("--quiet"),
    .value("--profile", "a profile name"), .value("--as-user", "a Box user ID"),
]

/// What both commands read from their arguments.
struct AuthArguments {
    var profile: String?
    var verbose = false
    var asUser: String?
    var code: String?
    var showHelp = false

    /// Reads `arguments`; `--code` only when the command lists it in `options`.
    static func parse(_ arguments: [String], options: [LongOption]) throws(UsageError) -> AuthArguments {
        var parsed = AuthArguments()
        var reader = ArgumentReader(arguments)
        while let argument = try reader.nextArgument(options: options) {
            switch argument {
            case .option("--help", _): parsed.showHelp = true
            case .option("--verbose", _): parsed.verbose = true
            case .option("--quiet", _): break
            case .option("--profile", let value): parsed.profile = value
            case .option("--as-user", let value): parsed.asUser = value
            case .option("--code", let value): parsed.code = value
            case .option(let name, _): throw UsageError("unknown option '\(name)'")
            case .operand(let operand): throw UsageError("unexpected argument '\(operand)'")
            }
        }
        return parsed
    }
}

/// `boxlua login [--profile NAME] [--code CODE]`: prints the authorize URL, takes the
/// redirect on the loopback redirect URI or a pasted code/URL on stdin, stores the tokens.
struct LoginCommand: Subcommand {
    static let name = "login"
    static let options = authOptions + [.value("--code", "the authorization code")]
    static let reportPrefix = "boxlua"
    let arguments: AuthArguments

    static func parse(_ arguments: [String]) throws(UsageError) -> LoginCommand {
        LoginCommand(arguments: try AuthArguments.parse(arguments, options: options))
    }

    func run() throws -> Int32 {
        if arguments.showHelp {
            print(
                "usage: boxlua login [--profile NAME] [--code CODE]\n"
                    + "Signs in with OAuth 2.0 (BOX_CLIENT_ID, BOX_CLIENT_SECRET; BOX_REDIRECT_URI, BOX_AUTHORIZE_URL)\n"
                    + "and stores the tokens under $XDG_STATE_HOME/boxlua/tokens/PROFILE.json (mode 0600);\n"
                    + "for a BOX_BASE_URL other than Box's, PROFILE@HASH.json: each base URL has its own tokens.")
            return 0
        }
        do {
            let config = try Configuration.load(environment: ProcessEnvironment.current(), profile: arguments.profile)
            guard let id = config.value("BOX_CLIENT_ID"), let secret = config.value("BOX_CLIENT_SECRET") else {
                throw ConfigError(
                    "login needs the OAuth app's BOX_CLIENT_ID and BOX_CLIENT_SECRET (environment, or client_id and client_secret in [profiles.\(config.profile)])"
                )
            }
            try HTTPEngine.loadLibcurl()
            let state = OAuthLogin.newState()
            let code = try arguments.code ?? receiveCode(config: config, clientID: id, state: state)
            let client = BoxClient(
                settings: try config.clientSettings(),
                signIn: .oauth(clientID: id, clientSecret: secret, refreshToken: nil, store: config.tokenStore))
            if arguments.verbose { client.trace = stderrTraceSink() }
            try client.exchangeAuthorizationCode(code, redirectURI: config.redirectURI)
            print("signed in; tokens saved to \(config.tokenStore.path)")
            return 0
        } catch let error as any ExitStatusError {
            throw error
        } catch {
            throw CommandFailure("login failed: \(error)")
        }
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
struct WhoamiCommand: Subcommand {
    static let name = "whoami"
    static let options = authOptions
    static let reportPrefix = "boxlua"
    let arguments: AuthArguments

    static func parse(_ arguments: [String]) throws(UsageError) -> WhoamiCommand {
        WhoamiCommand(arguments: try AuthArguments.parse(arguments, options: options))
    }

    func run() throws -> Int32 {
        if arguments.showHelp {
            print("usage: boxlua whoami [--profile NAME] [--as-user ID] [--verbose]\nPrints the signed-in user.")
            return 0
        }
        let config = try Configuration.load(environment: ProcessEnvironment.current(), profile: arguments.profile)
        var settings = try config.clientSettings()
        settings.asUser = arguments.asUser
        let signIn = try config.signIn()
        try HTTPEngine.loadLibcurl()
        let client = BoxClient(settings: settings, signIn: signIn)
        if arguments.verbose { client.trace = stderrTraceSink() }
        do {
            print(
                whoamiText(
                    try client.json(BoxOperations.usersMe.request(query: [("fields", "id,name,login,role,enterprise")]))
                ))
        } catch {
            throw CommandFailure("\(error)")
        }
        return 0
    }
}

private func whoamiText(_ me: JSON) -> String {
    func s(_ v: JSON?) -> String { v?.stringValue ?? v?.intValue.map { String($0) } ?? "-" }
    var enterprise = "-"
    if let e = me["enterprise"], !e.isNull {
        enterprise = "\(s(e["name"])) (id \(s(e["id"])))"
    }
    return [
        "id:         \(s(me["id"]))", "name:       \(s(me["name"]))", "login:      \(s(me["login"]))",
        "role:       \(s(me["role"]))", "enterprise: \(enterprise)",
    ].joined(separator: "\n")
}
