/// Subcommands other than running Lua, dispatched on the first argument.

/// A subcommand receives the arguments after its name and returns the exit status.
typealias Subcommand = @Sendable ([String]) -> Int32

/// `boxlua NAME ARGS...` runs `subcommands[NAME](ARGS)`; a script with such a name is run
/// as `boxlua ./NAME` or `boxlua -- NAME`.
let subcommands: [String: Subcommand] = [
    "apply": applyCommand,
    "sandbox": sandboxCommand,
    "login": loginCommand,
    "whoami": whoamiCommand,
]
