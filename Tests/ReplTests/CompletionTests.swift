/// Completion candidates read from a Lua state without running metamethods.
import LuaHost
import Repl
import Testing

@Suite struct CompletionTests {
    let state = LuaState()
    var completer: LuaCompleter { LuaCompleter(state: state) }

    @Test func globalsAndKeywords() throws {
        try state.run("printable = 1")
        #expect(completer.candidates(for: "pri") == ["print", "printable"])
        #expect(completer.candidates(for: "whi") == ["while"])
        #expect(completer.candidates(for: "zzz") == [])
    }

    @Test func dottedFields() throws {
        #expect(completer.candidates(for: "string.fo") == ["string.format"])
        #expect(completer.suffix(for: "string.format") == "(")
        try state.run("box = {users = {list = print, all = print}, dry_run = false}")
        #expect(completer.candidates(for: "box.us") == ["box.users"])
        #expect(completer.suffix(for: "box.users") == ".")
        #expect(completer.candidates(for: "box.users.") == ["box.users.all", "box.users.list"])
        #expect(completer.suffix(for: "box.dry_run") == "")
        #expect(completer.candidates(for: "nothere.x") == [])
        #expect(completer.candidates(for: "box.dry_run.x") == [])
        #expect(state.stack.top == 0)
    }

    @Test func metatableIndexTablesAndMethods() throws {
        try state.run(
            """
            Account = {}; Account.__index = Account
            function Account:deposit() end
            acct = setmetatable({balance = 0}, Account)
            """)
        #expect(completer.candidates(for: "acct.") == ["acct.__index", "acct.balance", "acct.deposit"])
        #expect(completer.candidates(for: "acct:dep") == ["acct:deposit"])
    }

    @Test func noMetamethodRuns() throws {
        try state.run(
            """
            ran = false
            trap = setmetatable({}, {__index = function() ran = true end, __pairs = function() ran = true end})
            """)
        _ = completer.candidates(for: "trap.x")
        _ = completer.candidates(for: "trap.x.y")
        _ = completer.suffix(for: "trap.x")
        #expect(try state.run("return ran", results: 1) == 1)
        #expect(state.stack.pullBoolean(at: -1) == false)
    }
}
