/// Subcommands other than running Lua, dispatched on the first argument.

/// A subcommand receives the arguments after its name and returns the exit status.
typealias Subcommand = @Sendable ([String]) -> Int32

/// `boxlua NAME ARGS...` runs `subcommands[NAME](ARGS)`. Add one row per subcommand
/// (`apply`, `sandbox`, `login`, `whoami`); a script with such a name must then be
/// run as `boxlua ./NAME` or `boxlua -- NAME`.
let subcommands: [String: Subcommand] = [:]
