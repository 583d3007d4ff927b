/// Subcommands other than running Lua, dispatched on the first argument that is not an option.

/// A subcommand receives the arguments after its name and returns the exit status.
typealias Subcommand = @Sendable ([String]) -> Int32

/// `boxlua [OPTIONS] NAME ARGS...` runs `subcommands[NAME](OPTIONS + ARGS)`; a script with such
/// a name is run as `boxlua ./NAME` or `boxlua -- NAME`.
let subcommands: [String: Subcommand] = [
    "apply": applyCommand,
    "sandbox": sandboxCommand,
    "login": loginCommand,
    "whoami": whoamiCommand,
]

/// Options that take their value as the next argument (`--profile p`), so that the value is not
/// mistaken for a subcommand name: `boxlua --profile apply whoami` is whoami with profile "apply".
private let optionsWithValues: Set<String> = [
    "-e", "-l", "--plan", "--as-user", "--profile", "--audit-log", "--max-deletes", "--protect",
    "--port", "--seed", "--save", "--faults", "--jwt-config", "--generate", "--events-days", "--code",
]

/// The subcommand the command line names, with its arguments: the options written before its
/// name (as git takes them: `boxlua --profile p whoami`) followed by those after it. nil when
/// the first argument that is not an option is not a subcommand name, or follows `--`.
func subcommandInvocation(_ argv: [String]) -> (name: String, arguments: [String])? {
    var index = 1
    while index < argv.count {
        let argument = argv[index]
        if argument == "--" || argument == "-" { return nil }
        guard argument.hasPrefix("-") else {
            guard subcommands[argument] != nil else { return nil }
            return (argument, Array(argv[1..<index]) + Array(argv[(index + 1)...]))
        }
        // `-eCHUNK` and `--name=value` carry their value; `-e CHUNK` and `--name value` do not.
        let bare = argument.hasPrefix("--") ? argument : String(argument.prefix(2))
        let attached = argument.hasPrefix("--") ? argument.contains("=") : argument.count > 2
        index += optionsWithValues.contains(bare) && !attached ? 2 : 1
    }
    return nil
}
