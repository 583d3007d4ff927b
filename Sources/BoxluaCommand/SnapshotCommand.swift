/// `boxlua snapshot FILE [--events-days N]`: the signed-in enterprise, read, written as a
/// sandbox seed (mode 0600) for `--sandbox=FILE` rehearsals.
import BoxChanges
import BoxClient
import BoxSandbox
import BoxSnapshot
import Files
import FoundationEssentials

struct SnapshotCommand: Subcommand {
    static let name = "snapshot"
    static let options = authOptions.filter { $0.name != "--as-user" } + [.value("--events-days", "a number of days")]
    static let usage = """
        usage: boxlua snapshot FILE [--events-days N] [--profile NAME] [--verbose] [--quiet]
        Reads the signed-in enterprise (reads only: users with their full fields, groups and
        memberships; LOGIN events of the last N days, default 0) and writes it as a sandbox seed
        to FILE (mode 0600), so that `boxlua --sandbox=FILE` rehearses on a copy of it.
        File contents are never read. The copy's app credentials are the sandbox's own.
        """
    var path: String?
    var eventDays = 0
    var profile: String?
    var verbose = false
    var quiet = false
    var showHelp = false

    static func parse(_ arguments: [String]) throws(UsageError) -> SnapshotCommand {
        var command = SnapshotCommand()
        var reader = ArgumentReader(arguments)
        while let argument = try reader.nextArgument(options: options) {
            switch argument {
            case .option("--help", _): command.showHelp = true
            case .option("--verbose", _): command.verbose = true
            case .option("--quiet", _): command.quiet = true
            case .option("--profile", let value): command.profile = value
            case .option("--events-days", let value):
                guard let value, let days = Int(value), days >= 0, days <= 3650 else {
                    throw UsageError("--events-days takes a whole number of days from 0 to 3650")
                }
                command.eventDays = days
            case .option(let name, _): throw UsageError("unknown option '\(name)'")
            case .operand(let operand):
                guard command.path == nil else { throw UsageError("unexpected argument '\(operand)'") }
                command.path = operand
            }
        }
        if command.path == nil && !command.showHelp { throw UsageError("snapshot needs the FILE to write") }
        return command
    }

    func run() throws -> Int32 {
        guard let path, !showHelp else {
            print(Self.usage)
            return 0
        }
        // Found before the first read: an enterprise is not read for a file that cannot be written.
        do { try checkFileCanBeWritten(path) } catch { throw ConfigurationFailure("\(error)") }
        let config = try Configuration.load(environment: ProcessEnvironment.current(), profile: profile)
        let settings = try config.clientSettings()
        let signIn = try config.signIn()
        try HTTPEngine.loadLibcurl()
        let client = BoxClient(settings: settings, signIn: signIn)
        if verbose { client.trace = stderrTraceSink() }
        let snapshot = EnterpriseSnapshot(
            client: client, eventDays: eventDays, now: BoxTime.now(),
            report: { line in if !quiet { Reporter.writeLine("boxlua snapshot: \(line)") } })
        let seed: SandboxSeed
        do { seed = try snapshot.read() } catch { throw CommandFailure("\(error)") }
        do { try seed.save(to: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure("cannot write \(path): \(error)")
        }
        if !quiet { Reporter.writeLine("boxlua snapshot: written to \(path)") }
        return 0
    }
}
