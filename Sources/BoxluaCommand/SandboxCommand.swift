/// `boxlua sandbox`: serves the Box emulator on 127.0.0.1 until Ctrl-C or SIGTERM.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Files
import BoxClient
import BoxSandbox
import FoundationEssentials

/// `boxlua sandbox [--port N] [--seed FILE] [--save FILE] [--faults SPEC] [--jwt-config FILE]`
struct SandboxCommand: Subcommand {
    static let name = "sandbox"
    /// Each "needs a value" when it has none (as CommandTests expect).
    static let options: [LongOption] = [
        .flag("--help"), .value("--port", "a value"), .value("--seed", "a value"),
        .value("--save", "a value"), .value("--faults", "a value"), .value("--jwt-config", "a value"),
    ]

    var port: UInt16 = 0
    var seed: String?
    var save: String?
    var faults = Faults()
    var jwtConfig: String?
    var showHelp = false

    static func parse(_ arguments: [String]) throws(UsageError) -> SandboxCommand {
        var command = SandboxCommand()
        var reader = ArgumentReader(arguments)
        while let argument = try reader.nextArgument(options: options) {
            switch argument {
            case .option("--help", _): command.showHelp = true
            case .option("--port", let value): command.port = try port(value ?? "")
            case .option("--seed", let value): command.seed = value
            case .option("--save", let value): command.save = value
            case .option("--jwt-config", let value): command.jwtConfig = value
            case .option("--faults", let value):
                do { command.faults = try Faults(spec: value ?? "") } catch { throw UsageError("--faults: \(error)") }
            case .option(let name, _): throw UsageError("unknown option '\(name)'")
            case .operand(let operand): throw UsageError("unexpected argument '\(operand)'")
            }
        }
        return command
    }

    private static func port(_ text: String) throws(UsageError) -> UInt16 {
        guard let port = UInt16(text) else { throw UsageError("--port needs a port number 0-65535, got '\(text)'") }
        return port
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
}

/// The folder that holds the sandbox's JWT config: `$XDG_STATE_HOME/boxlua/sandbox`.
func sandboxStateDirectory() -> URL {
    URL(fileURLWithPath: Files.boxluaStateFolder(environment: ProcessEnvironment.current())).appendingPathComponent(
        "sandbox")
}

extension SandboxCommand {
    func run() throws -> Int32 {
        if showHelp {
            writeStdout(Self.help + "\n")
            return 0
        }
        // Block the stop signals before any server thread exists, so every thread inherits the
        // mask and only sigwait sees them.
        let signals = blockStopSignals()
        do {
            let seed = try seed.map { try SandboxSeed.load(from: URL(fileURLWithPath: $0)) } ?? .demo()
            let jwtPath = jwtConfig ?? sandboxStateDirectory().appendingPathComponent("jwt-config.json").path
            let sandbox = try Sandbox(seed: seed, faults: faults, jwtConfigPath: jwtPath)
            let url = try sandbox.start(port: port)
            let c = sandbox.credentials
            let lines = [
                "listening \(url.absoluteString)",
                "export BOX_BASE_URL=\(url.absoluteString) BOX_ACCESS_TOKEN=\(c.accessToken)",
                "BOX_CLIENT_ID=\(c.clientID) BOX_CLIENT_SECRET=\(c.clientSecret) BOX_ENTERPRISE_ID=\(c.enterpriseID)",
                "BOX_JWT_CONFIG=\(jwtPath)",
            ]
            // Unbuffered: a parent reading a pipe sees the lines at once.
            writeStdout(lines.joined(separator: "\n") + "\n")
            waitForStopSignal(signals)
            sandbox.stop()
            if let save { try sandbox.save(to: URL(fileURLWithPath: save)) }
            return 0
        } catch {
            throw ConfigurationFailure("\(error)")
        }
    }
}

/// Writes `text` to stdout at once, past stdio's buffer.
private func writeStdout(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
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
