/// Parsing the command line into RunOptions (pure, in process).
import Testing

@testable import BoxluaCommand

@Suite struct RunOptionsTests {
    func parse(_ words: String...) throws -> RunOptions {
        try RunOptions.parse(["boxlua"] + words)
    }

    func usageError(_ words: String...) -> String? {
        do {
            _ = try RunOptions.parse(["boxlua"] + words)
            return nil
        } catch { return error.description }
    }

    @Test func scriptAndItsArguments() throws {
        let o = try parse("--dry-run", "job.lua", "a", "--verbose")
        #expect(o.script == .file("job.lua"))
        #expect(o.scriptIndex == 2)
        #expect(o.scriptArguments == ["a", "--verbose"])
        #expect(o.dryRun)
        #expect(!o.verbose)  // after the script: the script's argument
    }

    @Test func executeAndRequireKeepTheirOrder() throws {
        let o = try parse("-e", "x = 1", "-l", "g=mod", "-eprint(x)", "-lsocket")
        #expect(
            o.steps == [
                .execute("x = 1"), .require(module: "mod", global: "g"), .execute("print(x)"),
                .require(module: "socket", global: "socket"),
            ])
        #expect(o.script == nil)
    }

    @Test func luaFlags() throws {
        let o = try parse("-i", "-v", "-E", "-W", "-h")
        #expect(o.interactive && o.showVersion && o.ignoreEnvironment && o.warnings && o.showHelp)
        #expect(try parse("--version").showVersion)
        #expect(try parse("--help").showHelp)
    }

    @Test func doubleDashAndDash() throws {
        let o = try parse("--", "-weird.lua", "x")
        #expect(o.script == .file("-weird.lua"))
        #expect(o.scriptArguments == ["x"])
        let stdin = try parse("-", "a", "b")
        #expect(stdin.script == .standardInput)
        #expect(stdin.scriptArguments == ["a", "b"])
        #expect(try parse("--").script == nil)
    }

    @Test func boxOptionsWithValues() throws {
        let o = try parse(
            "--plan", "p.jsonl", "--as-user=42", "--profile", "prod", "--max-deletes", "5",
            "--audit-log=/tmp/a.jsonl", "--quiet", "--sandbox")
        #expect(o.planFile == "p.jsonl")
        #expect(o.dryRun)  // --plan implies --dry-run
        #expect(o.asUser == "42")
        #expect(o.profile == "prod")
        #expect(o.maxDeletes == 5)
        #expect(o.auditLog == "/tmp/a.jsonl")
        #expect(o.quiet)
        #expect(o.sandbox == .demo)
        #expect(try parse("--sandbox=seed.json").sandbox == .seed("seed.json"))
        #expect(try parse().maxDeletes == 100)
        #expect(try parse("--max-deletes", "0").maxDeletes == 0)
    }

    @Test func usageErrorsAreOneClearLine() {
        #expect(usageError("--bogus") == "unknown option '--bogus'")
        #expect(usageError("-x") == "unknown option '-x'")
        #expect(usageError("-iv") == "unknown option '-iv'")
        #expect(usageError("--max-deletes", "abc") == "--max-deletes expects a whole number of 0 or more, got 'abc'")
        #expect(usageError("--max-deletes", "-3") == "--max-deletes expects a whole number of 0 or more, got '-3'")
        #expect(usageError("--max-deletes=-3") == "--max-deletes expects a whole number of 0 or more, got '-3'")
        #expect(usageError("--plan") == "--plan needs a file name")
        #expect(usageError("--plan", "--dry-run") == "--plan needs a file name")
        #expect(usageError("--as-user", "jdoe") == "--as-user expects a Box user ID (digits), got 'jdoe'")
        #expect(usageError("--sandbox=") == "--sandbox= needs a seed file name after '='")
        #expect(usageError("--dry-run=yes") == "--dry-run takes no value")
        #expect(usageError("-e") == "-e needs a chunk of Lua")
        #expect(usageError("-l") == "-l needs a module name")
        #expect(usageError("--verbose", "--quiet") == "--verbose and --quiet cannot be used together")
    }

    @Test func directoryOfAScript() {
        #expect(directory(of: "job.lua") == ".")
        #expect(directory(of: "jobs/job.lua") == "jobs")
        #expect(directory(of: "/job.lua") == "/")
    }
}
