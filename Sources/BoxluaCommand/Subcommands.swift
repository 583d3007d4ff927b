/// Subcommands other than running Lua, dispatched on the first argument that is not an option.

/// A subcommand: its name, its long options, how it reads its arguments and how it runs.
protocol Subcommand {
    /// `boxlua NAME ...`
    static var name: String { get }
    /// The long options it takes (read by ``ArgumentReader``).
    static var options: [LongOption] { get }
    /// What its stderr lines start with ("boxlua apply").
    static var reportPrefix: String { get }
    /// Reads the arguments after its name (with the options written before it).
    static func parse(_ arguments: [String]) throws(UsageError) -> Self
    /// Runs it; the exit status, or an error for ``Reporter`` (its type decides the status).
    func run() throws -> Int32
}

extension Subcommand {
    static var reportPrefix: String { "boxlua \(name)" }

    /// Parses and runs; every error ends as one stderr line and its exit status.
    static func main(_ arguments: [String]) -> Int32 {
        let command: Self
        do { command = try parse(arguments) } catch {
            return Reporter.report(UsageError("\(error) (see boxlua \(name) --help)"), prefix: "boxlua \(name)")
        }
        do { return try command.run() } catch {
            return Reporter.report(error, prefix: reportPrefix)
        }
    }
}

/// `boxlua [OPTIONS] NAME ARGS...` runs the subcommand NAME with OPTIONS + ARGS; a script
/// with such a name is run as `boxlua ./NAME` or `boxlua -- NAME`.
var subcommands: [String: any Subcommand.Type] {
    let all: [any Subcommand.Type] = [
        ApplyCommand.self, SandboxCommand.self, LoginCommand.self, WhoamiCommand.self, SnapshotCommand.self,
    ]
    return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

/// Long options that take their value as the next argument (`--profile p`), so that the value is not
/// mistaken for a subcommand name: `boxlua --profile apply whoami` is whoami with profile "apply".
private let optionsWithValues: Set<String> = {
    let long = (RunOptions.longOptions + subcommands.values.flatMap { $0.options }).filter(\.takesNextArgument)
    return Set(long.map(\.name))
}()

/// The subcommand the command line names, with its arguments: the options written before its
/// name (as git takes them: `boxlua --profile p whoami`) followed by those after it. nil when
/// the first argument that is not an option is not a subcommand name, or follows `--`.
func subcommandInvocation(_ argv: [String]) -> (name: String, arguments: [String])? {
    var reader = ArgumentReader(argv, from: 1)
    while let argument = reader.next() {
        if argument == "--" || argument == "-" { return nil }
        guard argument.hasPrefix("-") else {
            // A script's path (`job.lua`, `./apply`) is no subcommand name: looked up without
            // making the table of subcommands (its generic types are set up at run time: a
            // measurable part of every start).
            guard !argument.contains("."), !argument.contains("/"), subcommands[argument] != nil else { return nil }
            return (argument, Array(argv[1..<reader.index]) + Array(argv[(reader.index + 1)...]))
        }
        // The short options need no table (the long ones' table reads every subcommand's).
        // (A predicate, not a Set literal: a Set's generic type is set up at run time, and with it
        // a scan of every protocol conformance in the binary, on every start.)
        if argument.hasPrefix("--") {
            reader.skipValue(of: argument) { optionsWithValues.contains($0) }
        } else {
            reader.skipValue(of: argument) { $0 == "-e" || $0 == "-l" }
        }
    }
    return nil
}
