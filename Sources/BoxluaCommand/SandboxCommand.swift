/// `boxlua sandbox`: serves the Box emulator on 127.0.0.1 until Ctrl-C or SIGTERM.
import BoxClient
import BoxSandbox
import Foundation

/// Options of `boxlua sandbox`.
struct SandboxOptions {
    var port: UInt16 = 0
    var seed: String?
    var save: String?
    var faults = Faults()
    var jwtConfig: String?

    /// Parses the arguments after `sandbox`; the error is one line for stderr.
    static func parse(_ args: [String]) -> Result<SandboxOptions, SandboxUsageError> {
        var o = SandboxOptions()
        var i = 0
        while i < args.count {
            var name = args[i]
            var value: String? = nil
            if let eq = name.firstIndex(of: "="), name.hasPrefix("--") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if name == "--help" || name == "-h" { return .failure(SandboxUsageError(help, isHelp: true)) }
            guard ["--port", "--seed", "--save", "--faults", "--jwt-config"].contains(name) else {
                return .failure(SandboxUsageError("unknown option '\(args[i])' (usage: \(usage))"))
            }
            if value == nil {
                guard i + 1 < args.count else { return .failure(SandboxUsageError("\(name) needs a value")) }
                i += 1
                value = args[i]
            }
            if let e = o.set(name, value ?? "") { return .failure(e) }
            i += 1
        }
        return .success(o)
    }

    static let usage = "boxlua sandbox [--port N] [--seed FILE] [--save FILE] [--faults SPEC] [--jwt-config FILE]"

    static let help = """
        usage: \(usage)
        Serves a Box emulator on 127.0.0.1 until Ctrl-C or SIGTERM, then exits 0.
          --port N          port to listen on (0 or none: a free port)
          --seed FILE       the enterprise to serve, in the JSON seed format (default: the demo enterprise)
          --save FILE       write the state in the seed format when stopping
          --faults SPEC     e.g. rate_limit_every=5,retry_after=1,server_error_every=7,latency_ms=20,
                            expire_tokens_after=60,empty_401_body=true,marker_end=omit|null|empty,transfer_pending=30
          --jwt-config FILE the console-style JWT config to create once and trust
                            (default: $XDG_STATE_HOME/boxlua/sandbox/jwt-config.json)
        """

    private mutating func set(_ name: String, _ value: String) -> SandboxUsageError? {
        switch name {
        case "--port":
            guard let p = UInt16(value) else { return SandboxUsageError("--port needs a port number 0-65535, got '\(value)'") }
            port = p
        case "--seed": seed = value
        case "--save": save = value
        case "--jwt-config": jwtConfig = value
        default:
            do { faults = try Faults(spec: value) } catch { return SandboxUsageError("--faults: \(error)") }
        }
        return nil
    }
}

struct SandboxUsageError: Error {
    let message: String
    /// `--help`: the message is the help text, printed on stdout with status 0.
    var isHelp = false
    init(_ message: String, isHelp: Bool = false) {
        self.message = message
        self.isHelp = isHelp
    }
}

/// The folder that holds the sandbox's JWT config: `$XDG_STATE_HOME/boxlua/sandbox`.
func sandboxStateDirectory() -> URL {
    URL(fileURLWithPath: boxluaStateDirectory(ProcessEnvironment.current())).appendingPathComponent("sandbox")
}

func sandboxCommand(_ arguments: [String]) -> Int32 {
    let options: SandboxOptions
    switch SandboxOptions.parse(arguments) {
    case .success(let o): options = o
    case .failure(let e) where e.isHelp:
        FileHandle.standardOutput.write(Data((e.message + "\n").utf8))
        return 0
    case .failure(let e):
        FileHandle.standardError.write(Data("boxlua sandbox: \(e.message)\n".utf8))
        return 2
    }
    // Block the stop signals before any server thread exists, so every thread inherits the
    // mask and only sigwait sees them.
    let signals = blockStopSignals()
    do {
        let seed = try options.seed.map { try SandboxSeed.load(from: URL(fileURLWithPath: $0)) } ?? .demo()
        let jwtPath = options.jwtConfig ?? sandboxStateDirectory().appendingPathComponent("jwt-config.json").path
        let sandbox = try Sandbox(seed: seed, faults: options.faults, jwtConfigPath: jwtPath)
        let url = try sandbox.start(port: options.port)
        let c = sandbox.credentials
        let lines = [
            "listening \(url.absoluteString)",
            "export BOX_BASE_URL=\(url.absoluteString) BOX_ACCESS_TOKEN=\(c.accessToken)",
            "BOX_CLIENT_ID=\(c.clientID) BOX_CLIENT_SECRET=\(c.clientSecret) BOX_ENTERPRISE_ID=\(c.enterpriseID)",
            "BOX_JWT_CONFIG=\(jwtPath)",
        ]
        // Unbuffered: a parent reading a pipe sees the lines at once.
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        waitForStopSignal(signals)
        sandbox.stop()
        if let save = options.save { try sandbox.save(to: URL(fileURLWithPath: save)) }
        return 0
    } catch {
        FileHandle.standardError.write(Data("boxlua sandbox: \(error)\n".utf8))
        return 2
    }
}

private func blockStopSignals() -> sigset_t {
    // A shell starts background jobs with SIGINT ignored; an ignored signal never reaches sigwait.
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &set, nil)
    return set
}

/// Blocks until SIGINT or SIGTERM arrives.
private func waitForStopSignal(_ set: sigset_t) {
    var set = set
    var received: Int32 = 0
    sigwait(&set, &received)
}
