/// The API (box, csv, json, log, help) is installed when a chunk first uses it, not at
/// start-up (issue 17 part 2): each way in finds it whole, and a chunk that never uses it
/// leaves it uninstalled.
import Foundation
import TestSupport
import Testing

@Suite struct APIOnFirstUseTests {
    /// One line naming a function of each part of the API: what every way in must print.
    static let touchAll =
        "print(type(box.users.get), type(csv.read), type(json.encode), type(log.info), type(show), type(help))"
    static let allFunctions = "function\tfunction\tfunction\tfunction\tfunction\tfunction\n"

    @Test func aChunkThatNeverUsesTheAPILeavesItUninstalled() throws {
        // rawget reads the table without using it: empty until the first use.
        let r = try boxlua(["-e", "print(type(box), rawget(box, 'users'), rawget(json, 'encode'))"])
        #expect(r.stdout == "table\tnil\tnil\n")
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test func aScriptFindsTheWholeAPI() throws {
        let dir = temporaryDirectory("boxlua-first-use")
        let script = dir.appendingPathComponent("s.lua").path
        try (Self.touchAll + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        let r = try boxlua([script])
        #expect(r.stdout == Self.allFunctions)
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test func anExpressionFindsTheWholeAPI() throws {
        let r = try boxlua(["-e", Self.touchAll])
        #expect(r.stdout == Self.allFunctions)
        #expect(r.status == 0)
    }

    /// A module loaded by -l, and one loaded by pcall(require, ...), use the API as they load.
    @Test func modulesFindTheWholeAPI() throws {
        let dir = temporaryDirectory("boxlua-first-use")
        try "return {get = box.users.get, encode = json.encode}\n".write(
            to: dir.appendingPathComponent("users_mod.lua"), atomically: true, encoding: .utf8)
        let l = try boxlua(
            ["-l", "users_mod", "-e", "print(users_mod.get == box.users.get, users_mod.encode({1}))"],
            environment: ["LUA_PATH": dir.path + "/?.lua"])
        #expect(l.stdout == "true\t[1]\n")
        #expect(l.stderr == "")
        #expect(l.status == 0)
        let p = try boxlua(
            ["-e", "local ok, m = pcall(require, 'users_mod') print(ok, m.get == box.users.get)"],
            environment: ["LUA_PATH": dir.path + "/?.lua"])
        #expect(p.stdout == "true\ttrue\n")
        #expect(p.status == 0)
    }

    @Test func pairsAndCoroutinesInstallItToo() throws {
        let r = try boxlua([
            "-e",
            """
            local n = 0 for _ in pairs(csv) do n = n + 1 end
            print(n, coroutine.wrap(function() return json.encode({a = 1}) end)())
            """,
        ])
        #expect(r.stdout == "2\t{\"a\":1}\n")
        #expect(r.status == 0)
    }

    /// A strict-globals script (undefined globals are errors) finds the API as plain globals.
    @Test func strictGlobalsScriptsStillWork() throws {
        let r = try boxlua([
            "-e",
            """
            setmetatable(_G, {__index = function(_, k) error('undefined global ' .. k, 2) end,
              __newindex = function(_, k) error('new global ' .. k, 2) end})
            \(Self.touchAll)
            """,
        ])
        #expect(r.stdout == Self.allFunctions)
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    /// A script that assigns one of the names first keeps its value, as when the API was
    /// installed before it ran; the rest of the API still fills, and help names the kept help.
    @Test func namesTheScriptAssignedKeepItsValues() throws {
        let r = try boxlua([
            "-e",
            """
            local h = help
            json = {encode = function() return 'mine' end}
            box.users = 'replaced'
            print(json.encode(), box.users, type(box.parallel), type(csv.read))
            h(h)
            """,
        ])
        #expect(r.stdout.hasPrefix("mine\treplaced\tfunction\tfunction\nhelp([fn])\n"))
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test func helpAsTheFirstUse() throws {
        let r = try boxlua(["-e", "help('csv.read')"])
        #expect(r.stdout.hasPrefix("csv.read(path, "))
        #expect(r.status == 0)
        let unknown = try boxlua(["-e", "help(print)"])
        #expect(unknown.stdout == "no reference entry for this value; help() lists the API\n")
        #expect(unknown.status == 0)
    }

    /// What stops the API from installing is reported as a failure to install it at start-up
    /// was: one line, exit 2, the Lua file's own line.
    @Test func aFailureToInstallIsOneLineAndExitTwo() throws {
        let source = try String(
            contentsOf: packageRoot().appendingPathComponent("Sources/BoxLua/box.lua"), encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("string.format") }) + 1
        let r = try boxlua(["-e", "string = nil\nprint(box.users)"])
        #expect(r.stderr == "boxlua: box.lua:\(line): attempt to index a nil value (global 'string')\n")
        #expect(r.stdout == "")
        #expect(r.status == 2)
    }
}
