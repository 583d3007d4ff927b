/// The one long-option reader every command uses, and the subcommands parsed with it (in process).
import Testing

@testable import BoxluaCommand

@Suite struct ArgumentReaderTests {
    let options: [LongOption] = [
        .flag("--help"), .flag("--quiet"), .value("--profile", "a profile name"), .attachedValue("--sandbox"),
    ]

    func read(_ words: String...) throws(UsageError) -> [CommandArgument] {
        var reader = ArgumentReader(words)
        var out: [CommandArgument] = []
        while let argument = try reader.nextArgument(options: options) { out.append(argument) }
        return out
    }

    func usageError(_ words: String...) -> String? {
        var reader = ArgumentReader(words)
        do {
            while try reader.nextArgument(options: options) != nil {}
            return nil
        } catch { return error.description }
    }

    @Test func valuesSeparateOrAttached() throws {
        #expect(try read("--profile", "p", "--profile=q") == [.option("--profile", "p"), .option("--profile", "q")])
        #expect(
            try read("--sandbox", "--sandbox=seed.json") == [
                .option("--sandbox", nil), .option("--sandbox", "seed.json"),
            ])
        // --sandbox never takes the next argument: that one is an operand.
        #expect(try read("--sandbox", "plan.jsonl") == [.option("--sandbox", nil), .operand("plan.jsonl")])
    }

    @Test func flagsOperandsAndDoubleDash() throws {
        #expect(
            try read("-h", "x", "-", "--quiet") == [
                .option("--help", nil), .operand("x"), .operand("-"), .option("--quiet", nil),
            ])
        #expect(try read("--", "--quiet", "-h") == [.operand("--quiet"), .operand("-h")])
    }

    @Test func refusalsAreTheSameEverywhere() {
        #expect(usageError("--bogus=1") == "unknown option '--bogus'")
        #expect(usageError("-x") == "unknown option '-x'")
        #expect(usageError("--quiet=yes") == "--quiet takes no value")
        #expect(usageError("--profile") == "--profile needs a profile name")
        #expect(usageError("--profile", "--quiet") == "--profile needs a profile name")
        #expect(usageError("--profile=") == "--profile needs a profile name")
    }

    @Test func applyReadsItsPlanAndOptions() throws {
        let apply = try ApplyCommand.parse([
            "--profile=p", "plan.jsonl", "--stop-on-error", "--protect", "jdoe", "--sandbox",
        ])
        #expect(apply.planPath == "plan.jsonl" && apply.profile == "p" && apply.stopOnError)
        #expect(apply.protect == ["jdoe"] && apply.sandbox == .demo)
        #expect(try ApplyCommand.parse(["--help"]).showHelp)
        #expect(throws: UsageError("which plan? usage: boxlua apply PLAN [--stop-on-error]")) {
            try ApplyCommand.parse([])
        }
        #expect(throws: UsageError("one PLAN at a time (got a and b)")) { try ApplyCommand.parse(["a", "b"]) }
    }

    @Test func sandboxReadsItsOptions() throws {
        let sandbox = try SandboxCommand.parse(["--port=8080", "--seed", "s.json"])
        #expect(sandbox.port == 8080 && sandbox.seed == "s.json")
        #expect(throws: UsageError("--port needs a port number 0-65535, got 'x'")) {
            try SandboxCommand.parse(["--port", "x"])
        }
    }

    @Test func theOptionsThatTakeAValueComeFromTheCommands() {
        // `--port 0 sandbox`: 0 is --port's value, so sandbox is the subcommand.
        #expect(subcommandInvocation(["boxlua", "--port", "0", "sandbox"])?.name == "sandbox")
        #expect(subcommandInvocation(["boxlua", "--profile", "apply", "whoami"])?.arguments == ["--profile", "apply"])
        #expect(subcommandInvocation(["boxlua", "--profile=apply", "whoami"])?.arguments == ["--profile=apply"])
        #expect(subcommandInvocation(["boxlua", "-e", "whoami", "apply", "p"])?.arguments == ["-e", "whoami", "p"])
        #expect(subcommandInvocation(["boxlua", "-ewhoami", "apply"])?.name == "apply")
        #expect(subcommandInvocation(["boxlua", "-e"]) == nil)
        #expect(subcommandInvocation(["boxlua", "--", "apply"]) == nil)
        #expect(subcommandInvocation(["boxlua", "script.lua", "apply"]) == nil)
    }

    /// -e and -l take the next argument, attached or not; a path is a script, never a subcommand.
    @Test func shortOptionsAndScriptPathsAreNoSubcommands() {
        #expect(subcommandInvocation(["boxlua", "-e", "apply"]) == nil)
        #expect(subcommandInvocation(["boxlua", "-l", "sandbox", "-i"]) == nil)
        #expect(subcommandInvocation(["boxlua", "-eprint(1)", "whoami"])?.name == "whoami")
        #expect(subcommandInvocation(["boxlua", "-i", "-E", "login"])?.arguments == ["-i", "-E"])
        #expect(subcommandInvocation(["boxlua", "./apply"]) == nil)
        #expect(subcommandInvocation(["boxlua", "apply.lua", "apply"]) == nil)
    }
}
