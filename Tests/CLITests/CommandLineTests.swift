/// The built boxlua run as a process: lua.c's command line, exit statuses, error lines.
import Foundation
import TestSupport
import Testing

@Suite struct CommandLineTests {
    let dir = temporaryDirectory("boxlua-cli")

    /// Writes `text` to `name` in the test's folder; returns its path.
    @discardableResult
    func file(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func executePrintsTwo() throws {
        let r = try boxlua(["-e", "print(1+1)"])
        #expect(r.stdout == "2\n")
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test func repeatedExecuteRunsInOrderWithRequire() throws {
        try file("mods/greet.lua", "return {hi = function(n) return 'hi ' .. n end}")
        let r = try boxlua(
            ["-e", "x = 'ada'", "-l", "g=greet", "-l", "greet", "-e", "print(g.hi(x), greet == g)"],
            environment: ["LUA_PATH": dir.path + "/mods/?.lua;;"])
        #expect(r.stdout == "hi ada\ttrue\n")
        #expect(r.status == 0)
    }

    @Test func scriptGetsArgTableAndVarargs() throws {
        let script = try file(
            "args.lua",
            """
            print(select('#', ...), ...)
            print(arg[0], arg[1], arg[2], #arg)
            print(arg[-1] == '--quiet', arg[-2] ~= nil)
            """)
        let r = try boxlua(["--quiet", script, "one", "two words"])
        #expect(r.stdout == "2\tone\ttwo words\n\(script)\tone\ttwo words\t2\ntrue\ttrue\n")
        #expect(r.status == 0)
    }

    @Test func argWithoutAScriptHoldsTheOptions() throws {
        let r = try boxlua(["-e", "print(arg[0] ~= nil, arg[1], arg[2])"])
        #expect(r.stdout == "true\t-e\tprint(arg[0] ~= nil, arg[1], arg[2])\n")
    }

    @Test func scriptFromStdinWhenNotATerminal() throws {
        let r = try boxlua([], stdin: "print('from stdin', 6 * 7)\n")
        #expect(r.stdout == "from stdin\t42\n")
        #expect(r.status == 0)
        let dash = try boxlua(["-", "a", "b"], stdin: "print(...)")
        #expect(dash.stdout == "a\tb\n")
    }

    @Test func scriptErrorNamesFileAndLineAndExitsOne() throws {
        try file("fail.lua", "local x = 1\n\nerror('it broke')\n")
        let r = try boxlua(["fail.lua"], directory: dir.path)
        #expect(r.stderr == "boxlua: fail.lua:3: it broke\n")
        #expect(r.status == 1)
        let stdin = try boxlua([], stdin: "\nlocal t = nil\nprint(t.x)")
        #expect(stdin.stderr == "boxlua: stdin:3: attempt to index a nil value (local 't')\n")
        #expect(stdin.status == 1)
    }

    @Test func verboseAddsTheTraceback() throws {
        try file("deep.lua", "local function f() error('deep') end\nf()\n")
        let r = try boxlua(["--verbose", "deep.lua"], directory: dir.path)
        #expect(r.stderr.hasPrefix("boxlua: deep.lua:1: deep\nstack traceback:\n"))
        #expect(r.stderr.contains("in local 'f'"))
        #expect(r.status == 1)
    }

    @Test func syntaxErrorsExitOne() throws {
        try file("bad.lua", "x = = 2")
        let r = try boxlua(["./bad.lua"], directory: dir.path)
        #expect(r.stderr == "boxlua: ./bad.lua:1: unexpected symbol near '='\n")
        #expect(r.status == 1)
        let e = try boxlua(["-e", "x ="])
        #expect(e.stderr == "boxlua: (command line):1: unexpected symbol near <eof>\n")
        #expect(e.status == 1)
    }

    @Test func tableErrorsPrintTheirTostring() throws {
        let r = try boxlua([
            "-e",
            "error(setmetatable({status=404}, {__tostring=function(e) return 'box: ' .. e.status .. ' not_found' end}))",
        ])
        #expect(r.stderr == "boxlua: box: 404 not_found\n")
        #expect(r.status == 1)
    }

    @Test func unknownFlagIsUsageErrorTwo() throws {
        let r = try boxlua(["--frobnicate"])
        #expect(r.stderr == "boxlua: unknown option '--frobnicate' (see boxlua --help)\n")
        #expect(r.stdout == "")
        #expect(r.status == 2)
        let bad = try boxlua(["--max-deletes", "abc", "-e", "print(1)"])
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.status == 2)
    }

    @Test func unreadableScriptIsTwo() throws {
        let r = try boxlua([dir.path + "/missing.lua"])
        #expect(r.stderr == "boxlua: cannot open \(dir.path)/missing.lua: No such file or directory\n")
        #expect(r.status == 2)
        let folder = try boxlua([dir.path])
        #expect(folder.stderr.hasPrefix("boxlua: cannot read \(dir.path)"))
        #expect(folder.status == 2)
    }

    @Test func requireFindsModulesBesideTheScript() throws {
        try file("jobs/helper.lua", "return {answer = 42}")
        let script = try file("jobs/main.lua", "print(require('helper').answer)")
        let r = try boxlua([script], directory: NSTemporaryDirectory())
        #expect(r.stdout == "42\n")
        #expect(r.status == 0)
    }

    @Test func requireFailureIsAScriptError() throws {
        let r = try boxlua(["-l", "no_such_module_xyz"])
        #expect(r.stderr.hasPrefix("boxlua: module 'no_such_module_xyz' not found:"))
        #expect(r.status == 1)
    }

    @Test func interactiveAfterScriptReadsPipedLines() throws {
        let script = try file("setup.lua", "greeting = 'hello'")
        let r = try boxlua(
            ["-i", script],
            stdin:
                "_PROMPT = ''\n_PROMPT2 = ''\ngreeting\nfor i = 1, 2 do\nprint(i)\nend\n{1, {a = true}}\nerror('x')\nx = 1 +\n"
        )
        // The first prompt is printed before _PROMPT is set; lua.c's behaviour.
        #expect(r.stdout == "box> hello\n1\n2\n{ 1, { a = true } }\n\n")
        #expect(r.stderr == "stdin:1: x\nstdin:1: unexpected symbol near <eof>\n")
        #expect(r.status == 0)
    }

    @Test func dryRunPromptAndBoxTable() throws {
        let r = try boxlua(["--dry-run", "-i"], stdin: "box.dry_run\n")
        #expect(r.stdout == "box(dry-run)> true\nbox(dry-run)> \n")
        let live = try boxlua(["-e", "print(box.dry_run)"])
        #expect(live.stdout == "false\n")
    }

    @Test func versionAndHelp() throws {
        let v = try boxlua(["-v"])
        #expect(v.stdout.hasPrefix("boxlua "))
        #expect(v.stdout.contains("(Lua 5.4"))
        #expect(v.status == 0)
        let h = try boxlua(["--help"])
        #expect(h.stdout.hasPrefix("usage: boxlua"))
        #expect(h.stdout.contains("--max-deletes N"))
        #expect(h.status == 0)
    }

    @Test func ignoreEnvironmentSkipsLuaPath() throws {
        try file("mods/envmod.lua", "return 1")
        let env = ["LUA_PATH": dir.path + "/mods/?.lua;;"]
        #expect(try boxlua(["-l", "envmod"], environment: env).status == 0)
        #expect(try boxlua(["-E", "-l", "envmod"], environment: env).status == 1)
    }
}
