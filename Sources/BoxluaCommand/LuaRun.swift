/// Running Lua as the command line asks, like lua.c's pmain: steps, script, REPL.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import BoxLua
import CLua
import Files
import LuaHost
import Repl
import TerminalProgress

/// One run of Lua for parsed ``RunOptions``; ``run()`` returns the exit status.
struct LuaRun {
    let options: RunOptions
    let state: LuaState

    /// Runs what the command line `argv` asks for; 0 success, 1 a Lua error, 2 bad usage.
    static func main(_ argv: [String]) -> Int32 {
        let options: RunOptions
        do { options = try RunOptions.parse(argv) } catch {
            return Reporter.report(UsageError("\(error) (see boxlua --help)"), prefix: "boxlua")
        }
        if options.showHelp {
            print(Usage.text)
            return 0
        }
        if options.showVersion { print(Usage.versionLine) }
        let line = ProgressLine.standardError
        line.isEnabled = !options.quiet && standardErrorIsATerminal()
        // os.exit ends the process from inside Lua: the line must not stay on the terminal.
        atexit { ProgressLine.standardError.endAll() }
        let state = LuaState(ignoreEnvironment: options.ignoreEnvironment)
        defer { state.close() }
        return LuaRun(options: options, state: state).run()
    }

    func run() -> Int32 {
        if options.warnings { lua_warning(state.pointer, "@on", 0) }
        createArgTable()
        let session: BoxSession
        do {
            // A REPL's Tab completion reads the API's tables without running Lua: it gets
            // them filled; a script, -e and -l get them on first use.
            session = try installBoxAPI(into: state, options: options, eagerly: startsRepl)
        } catch {
            // What stops the API from being installed is configuration (a plan that cannot
            // be written, a seed that cannot be read).
            return Reporter.report(ConfigurationFailure("\(error)"), prefix: "boxlua")
        }
        var status = runChunks()
        ProgressLine.standardError.endAll()
        if let failure = session.finish(scriptSucceeded: status == 0) {
            report(failure)
            if status == 0 { status = 1 }
        }
        return status
    }

    /// True when the run ends in the REPL (runChunks' rules).
    private var startsRepl: Bool {
        options.interactive
            || (options.script == nil && options.steps.isEmpty && !options.showVersion && isatty(0) != 0)
    }

    /// The -e/-l steps, the script and the REPL, as lua.c's pmain runs them.
    private func runChunks() -> Int32 {
        for step in options.steps {
            let status = perform(step)
            if status != 0 { return status }
        }
        if let script = options.script {
            let status = runScript(script)
            if status != 0 { return status }
        }
        if options.interactive { return startRepl() }
        if options.script == nil && options.steps.isEmpty && !options.showVersion {
            return isatty(0) != 0 ? startRepl() : runScript(.standardInput)
        }
        return 0
    }

    /// The global `arg`, as lua.c's createargtable builds it: the script at 0, its
    /// arguments at 1..n, the program and options at negative indices.
    private func createArgTable() {
        let args = options.arguments
        let base = options.scriptIndex ?? 0
        let s = state.stack
        s.pushGlobals()
        s.newTable(arrayCount: Int32(args.count - base - 1), fieldCount: Int32(base + 1))
        for (i, text) in args.enumerated() {
            s.pushString(text)
            s.rawSet(at: -2, index: Int64(i - base))
        }
        s.rawSet(at: -2, key: "arg")
        s.pop()
    }

    /// Runs one `-e` or `-l`; its exit status (non-zero after reporting an error).
    private func perform(_ step: RunOptions.Step) -> Int32 {
        do {
            switch step {
            case .execute(let chunk):
                try state.load(chunk, chunkName: "=(command line)")
                try call(arguments: 0)
            case .require(let module, let global):
                try requireModule(module, as: global)
            }
            return 0
        } catch {
            return report(error)
        }
    }

    private func requireModule(_ module: String, as global: String) throws(LuaError) {
        let s = state.stack
        s.pushGlobals()
        s.rawGet(at: -1, key: "require")
        s.pushString(module)
        try call(arguments: 1, results: 1)
        s.rawSet(at: -2, key: global)
        s.pop()
    }

    /// Loads and runs the script with its arguments as `...`.
    private func runScript(_ script: RunOptions.Script) -> Int32 {
        var path: String?
        if case .file(let file) = script {
            path = file
            state.addModuleDirectory(directory(of: file))
        }
        do {
            try state.load(file: path)
        } catch {
            return report(error)
        }
        let arguments = options.scriptArguments
        // lua.c's pushargs: luaL_checkstack(L, n + 3, "too many arguments to script").
        guard state.stack.reserve(arguments.count + 3) else {
            state.stack.pop()
            report("stack overflow (too many arguments to script)")
            return 1
        }
        for a in arguments { state.stack.pushString(a) }
        do {
            try call(arguments: Int32(arguments.count))
        } catch {
            return report(error)
        }
        return 0
    }

    /// lua.c's docall: Ctrl-C interrupts the chunk while it runs.
    private func call(arguments: Int32, results: Int? = 0) throws(LuaError) {
        InterruptSignal.route(to: state)
        defer {
            InterruptSignal.restoreDefault()
            state.clearInterrupt()
        }
        try state.call(arguments: Int(arguments), results: results)
    }

    private func startRepl() -> Int32 {
        let terminal = isatty(0) != 0
        if terminal && !options.quiet {
            print("\(Usage.versionLine)  Ctrl-D leaves, Ctrl-C cancels, Tab completes")
        }
        var reader: LineReader = PlainLineReader()
        if terminal {
            // Without libreadline the REPL still works, with plain lines: say why once.
            do { reader = try ReadlineReader(state: state, history: HistoryFile.standard()) } catch {
                report("\(error)")
            }
        }
        var replOptions = ReplOptions()
        replOptions.prompt = options.dryRun ? "box(dry-run)> " : "box> "
        replOptions.showTracebacks = options.verbose
        replOptions.statementEnded = { ProgressLine.standardError.endAll() }
        Repl(state: state, reader: reader, options: replOptions).run()
        return 0
    }

    /// One line naming what failed and where: a Box error table carries the script line
    /// that made the call (`where`), since its text must read as Box's error alone.
    /// Returns the exit status the error calls for: 2 for a file that cannot be read and for
    /// configuration that cannot reach Box (CONTRACT.md), 1 for the script's own errors.
    @discardableResult
    private func report(_ error: LuaError) -> Int32 {
        var text = options.verbose ? error.messageWithTraceback : error.message
        if case .object(let fields)? = error.data, case .string(let place)? = fields["where"] {
            text = "\(place): \(text)"
        }
        report(text)
        return error.kind == .file || BoxRuntime.isConfigurationError(error, in: state) ? 2 : 1
    }

    private func report(_ message: String) {
        Reporter.writeLine("boxlua: \(message)")
    }
}

/// The folder part of a path ("." when there is none).
func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
}
