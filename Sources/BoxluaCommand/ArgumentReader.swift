/// The one reader of long options (`--name`, `--name value`, `--name=value`) for the Lua run
/// and every subcommand, so that each reads them, and refuses them, the same way.

/// A long option a command takes, with what its value is.
struct LongOption: Hashable {
    enum Value: Hashable {
        /// `--name`; `--name=x` is refused.
        case none
        /// `--name VALUE` or `--name=VALUE`; the text says what VALUE is ("a file name").
        case required(String)
        /// `--name` or `--name=VALUE`, never a separate value (`--sandbox[=SEED]`).
        case attachedOnly
    }

    let name: String
    let value: Value

    static func flag(_ name: String) -> LongOption { LongOption(name: name, value: .none) }
    static func value(_ name: String, _ what: String) -> LongOption { LongOption(name: name, value: .required(what)) }
    static func attachedValue(_ name: String) -> LongOption { LongOption(name: name, value: .attachedOnly) }

    /// Whether a separate argument after it is its value (`--profile NAME`).
    var takesNextArgument: Bool { if case .required = value { true } else { false } }
}

/// What a subcommand's argument is.
enum CommandArgument: Equatable {
    /// A long option of the command's table, with its value (nil for a flag, or for an
    /// attached-only option written without one).
    case option(String, String?)
    /// An argument that is not an option: one written after `--`, `-`, or one not starting with '-'.
    case operand(String)
}

/// A command line that cannot be run: one line, exit status 2.
struct UsageError: ExitStatusError, Equatable {
    let description: String
    init(_ message: String) { description = message }
    var exitStatus: Int32 { 2 }
}

/// Walks a list of arguments; ``index`` is that of the argument last read.
struct ArgumentReader {
    let arguments: [String]
    private(set) var index: Int
    /// Set once `--` was read: everything after it is an operand.
    private var optionsEnded = false

    /// `arguments[start...]` are read; `start - 1` counts as read (the program or command name).
    init(_ arguments: [String], from start: Int = 0) {
        self.arguments = arguments
        index = start - 1
    }

    var hasMore: Bool { index + 1 < arguments.count }
    var peek: String? { hasMore ? arguments[index + 1] : nil }

    mutating func next() -> String? {
        guard hasMore else { return nil }
        index += 1
        return arguments[index]
    }

    /// Takes the next argument as the value of a short option, lua.c's way: `-eCHUNK` or
    /// `-e CHUNK`, where a separate value may not start with '-'.
    mutating func attachedOrNext(_ argument: String, what: String) throws(UsageError) -> String {
        let flag = String(argument.prefix(2))
        if argument.count > 2 { return String(argument.dropFirst(2)) }
        guard let value = peek, !value.hasPrefix("-") else { throw UsageError("\(flag) needs \(what)") }
        index += 1
        return value
    }

    /// Reads `argument` (just returned by ``next()``, starting with `--`) as one of `options`,
    /// taking its value from after '=' or from the next argument (which may not start with `--`).
    mutating func longOption(_ argument: String, in options: [LongOption]) throws(UsageError) -> (LongOption, String?) {
        let (name, attached) = Self.split(argument)
        guard let option = options.first(where: { $0.name == name }) else {
            throw UsageError("unknown option '\(name)'")
        }
        switch option.value {
        case .none:
            if attached != nil { throw UsageError("\(name) takes no value") }
            return (option, nil)
        case .attachedOnly:
            return (option, attached)
        case .required(let what):
            if let attached {
                if attached.isEmpty { throw UsageError("\(name) needs \(what)") }
                return (option, attached)
            }
            guard let value = peek, !value.hasPrefix("--") else { throw UsageError("\(name) needs \(what)") }
            index += 1
            return (option, value)
        }
    }

    /// The next argument of a subcommand: an option of `options` (`-h` is `--help`), or an
    /// operand; nil at the end. An unknown option is refused.
    mutating func nextArgument(options: [LongOption]) throws(UsageError) -> CommandArgument? {
        guard let argument = next() else { return nil }
        if optionsEnded || argument == "-" || !argument.hasPrefix("-") { return .operand(argument) }
        if argument == "--" {
            optionsEnded = true
            return try nextArgument(options: options)
        }
        if argument == "-h" && options.contains(.flag("--help")) { return .option("--help", nil) }
        guard argument.hasPrefix("--") else { throw UsageError("unknown option '\(argument)'") }
        let (option, value) = try longOption(argument, in: options)
        return .option(option.name, value)
    }

    /// Steps over the value of `argument` (just returned by ``next()``) when it is one of
    /// `optionsWithValues` written without its value (`-e CHUNK`, `--profile p`; `-eCHUNK` and
    /// `--profile=p` carry theirs), so that the value is not taken for an operand.
    mutating func skipValue(of argument: String, takesValue: (String) -> Bool) {
        let long = argument.hasPrefix("--")
        let name = long ? Self.split(argument).name : String(argument.prefix(2))
        let attached = long ? Self.split(argument).attached != nil : argument.count > 2
        if takesValue(name) && !attached { _ = next() }
    }

    /// `--name=value` as ("--name", "value"); `--name` as ("--name", nil).
    static func split(_ argument: String) -> (name: String, attached: String?) {
        guard let eq = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }
}
