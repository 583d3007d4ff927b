/// The command line for running Lua: lua.c's options plus boxlua's, parsed in one pass.

/// Everything the command line asked for when running Lua (not a subcommand).
///
/// Options are read up to the script name, as lua.c does: what follows the script
/// belongs to the script. A safety option there is refused (see ``safetyOptions``): the admin
/// meant it for boxlua, and the script would change Box for real; after `--` it is passed on.
struct RunOptions: Equatable {
    /// A `-e` or `-l`, kept in command-line order because they run in that order.
    enum Step: Equatable {
        /// `-e CHUNK`: run the chunk (chunk name `(command line)`).
        case execute(String)
        /// `-l MOD` or `-l G=MOD`: `G = require("MOD")` (G defaults to MOD).
        case require(module: String, global: String)
    }

    /// Where the script comes from.
    enum Script: Equatable {
        case file(String)
        /// `-` (or no script with stdin not a terminal): standard input.
        case standardInput
    }

    /// `--sandbox` (the demo enterprise) or `--sandbox=SEED` (a JSON seed file).
    enum Sandbox: Equatable {
        case demo
        case seed(String)
    }

    /// The whole command line, `arguments[0]` being the program (for the `arg` table).
    var arguments: [String] = ["boxlua"]
    /// The index in ``arguments`` of the script name; nil without a script.
    var scriptIndex: Int?
    /// The script to run, if one was named.
    var script: Script?
    /// `-e` and `-l`, in order.
    var steps: [Step] = []
    /// `-i`: enter the REPL after the script and steps.
    var interactive = false
    /// `-v` / `--version`: print the version (then run what else was asked).
    var showVersion = false
    /// `-h` / `--help`: print the usage and exit 0.
    var showHelp = false
    /// `-E`: ignore `LUA_PATH` and `LUA_CPATH`.
    var ignoreEnvironment = false
    /// `-W`: turn Lua warnings on.
    var warnings = false
    /// `--dry-run` (also implied by `--plan`): print changes instead of sending them.
    var dryRun = false
    /// `--plan FILE`: write the changes a dry run recorded to FILE.
    var planFile: String?
    /// `--as-user ID`: send every call with `As-User: ID`.
    var asUser: String?
    /// `--profile NAME`: the config profile (`BOXLUA_PROFILE` is the config layer's).
    var profile: String?
    /// `--sandbox[=SEED]`: run against the in-process Box emulator.
    var sandbox: Sandbox?
    /// `--max-deletes N`: a live run refuses to delete more than N users.
    var maxDeletes = 100
    /// `--protect USER` (repeatable): ids or logins no change may touch.
    var protect: [String] = []
    /// `--audit-log FILE`: where live changes are logged (nil: the default path).
    var auditLog: String?
    /// `--verbose`: HTTP trace and Lua tracebacks on stderr.
    var verbose = false
    /// `--quiet`: only errors on stderr (no banner, no dry-run summary).
    var quiet = false

    /// The script's own arguments (after the script name).
    var scriptArguments: [String] {
        guard let scriptIndex else { return [] }
        return Array(arguments[(scriptIndex + 1)...])
    }
}

extension RunOptions {
    /// Parses `arguments` (`arguments[0]` is the program name).
    static func parse(_ arguments: [String]) throws(UsageError) -> RunOptions {
        var options = RunOptions(arguments: arguments)
        var parser = ArgumentReader(arguments, from: 1)
        while let argument = parser.next() {
            if argument == "--" {
                if parser.hasMore { options.setScript(at: parser.index + 1, name: parser.peek!) }
                break
            }
            if argument == "-" {
                options.scriptIndex = parser.index
                options.script = .standardInput
                try options.refuseSafetyOptionsAfterScript()
                break
            }
            guard argument.hasPrefix("-") else {
                options.setScript(at: parser.index, name: argument)
                try options.refuseSafetyOptionsAfterScript()
                break
            }
            try options.apply(argument, &parser)
        }
        try options.validate()
        return options
    }

    /// Options that keep a run from changing Box by accident, or choose whom it changes:
    /// written after the script they would reach the script, and the run would go live.
    static let safetyOptions: Set<String> = [
        "--dry-run", "--plan", "--max-deletes", "--sandbox", "--protect", "--as-user",
    ]

    /// `boxlua job.lua --dry-run` is refused: the admin asked for a dry run and would get a
    /// live one. `boxlua -- job.lua --dry-run` (no check) passes it to the script on purpose.
    private func refuseSafetyOptionsAfterScript() throws(UsageError) {
        for argument in scriptArguments {
            let name = ArgumentReader.split(argument).name
            guard Self.safetyOptions.contains(name) else { continue }
            let script = if case .file(let f) = script { f } else { "-" }
            throw UsageError(
                "put \(name) before the script: after \(script) it would reach the script, not boxlua"
                    + " (use 'boxlua -- \(script) ...' to pass it to the script)")
        }
    }

    private mutating func setScript(at index: Int, name: String) {
        scriptIndex = index
        script = .file(name)
    }

    private mutating func apply(_ argument: String, _ parser: inout ArgumentReader) throws(UsageError) {
        if argument.hasPrefix("--") { return try applyLong(argument, &parser) }
        switch argument.prefix(2) {
        case "-e": steps.append(.execute(try parser.attachedOrNext(argument, what: "a chunk of Lua")))
        case "-l": steps.append(try Self.requireStep(parser.attachedOrNext(argument, what: "a module name")))
        case _ where argument.count > 2: throw UsageError("unknown option '\(argument)'")
        case "-i": interactive = true
        case "-v": showVersion = true
        case "-h": showHelp = true
        case "-E": ignoreEnvironment = true
        case "-W": warnings = true
        default: throw UsageError("unknown option '\(argument)'")
        }
    }

    private static func requireStep(_ text: String) -> Step {
        guard let eq = text.firstIndex(of: "=") else { return .require(module: text, global: text) }
        return .require(module: String(text[text.index(after: eq)...]), global: String(text[..<eq]))
    }

    /// The long options of a Lua run, read by the reader every subcommand uses.
    static let longOptions: [LongOption] = [
        .flag("--dry-run"), .flag("--verbose"), .flag("--quiet"), .flag("--version"), .flag("--help"),
        .value("--plan", "a file name"), .value("--as-user", "a Box user ID"),
        .value("--profile", "a profile name"), .value("--audit-log", "a file name"),
        .value("--protect", "a user (id or login)"), .value("--max-deletes", "a number"),
        .attachedValue("--sandbox"),
    ]

    private mutating func applyLong(_ argument: String, _ parser: inout ArgumentReader) throws(UsageError) {
        let (option, value) = try parser.longOption(argument, in: Self.longOptions)
        switch option.name {
        case "--dry-run": dryRun = true
        case "--verbose": verbose = true
        case "--quiet": quiet = true
        case "--version": showVersion = true
        case "--help": showHelp = true
        case "--plan": planFile = value; dryRun = true
        case "--as-user": asUser = try Self.userID(value ?? "")
        case "--profile": profile = value
        case "--audit-log": auditLog = value
        case "--protect": protect.append(value ?? "")
        case "--max-deletes": maxDeletes = try Self.count(value ?? "", option: option.name)
        default: sandbox = try Self.sandbox(value)  // --sandbox
        }
    }

    private static func userID(_ text: String) throws(UsageError) -> String {
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw UsageError("--as-user expects a Box user ID (digits), got '\(text)'")
        }
        return text
    }

    private static func count(_ text: String, option: String) throws(UsageError) -> Int {
        guard let n = Int(text), n >= 0 else {
            throw UsageError("\(option) expects a whole number of 0 or more, got '\(text)'")
        }
        return n
    }

    private static func sandbox(_ inline: String?) throws(UsageError) -> Sandbox {
        guard let inline else { return .demo }
        if inline.isEmpty { throw UsageError("--sandbox= needs a seed file name after '='") }
        return .seed(inline)
    }

    private func validate() throws(UsageError) {
        if verbose && quiet { throw UsageError("--verbose and --quiet cannot be used together") }
    }
}
