/// The REPL in a real terminal (tmux): continuation, printing, completion, Ctrl-C,
/// Ctrl-D, history.
import Foundation
import Testing

@Suite struct TerminalTests {
    @Test func multiLineForLoopContinuesThenRuns() throws {
        let repl = try TmuxREPL()
        try repl.waitForPrompt()
        try repl.enter("for i = 1, 3 do")
        try repl.waitForPrompt(">>")
        try repl.enter("print(i * 10)")
        try repl.waitForPrompt(">>")
        try repl.enter("end")
        let screen = try repl.waitFor("30\nbox>")
        #expect(screen.contains("box> for i = 1, 3 do\n>> print(i * 10)\n>> end\n10\n20\n30\nbox>"))
    }

    @Test func expressionPrintsANestedTable() throws {
        let repl = try TmuxREPL()
        try repl.waitForPrompt()
        try repl.enter("{name = 'ada', roles = {'admin', 'user'}, boss = {id = '7'}}")
        let screen = try repl.waitFor("{ boss =")
        #expect(screen.contains(#"{ boss = { id = "7" }, name = "ada", roles = { "admin", "user" } }"#))
        try repl.enter("1 + 1, 'two'")
        let values = try repl.waitFor("two\nbox>")
        #expect(values.contains("\n2 "))  // tmux shows the tab as spaces
    }

    @Test func tabCompletesDottedNames() throws {
        let repl = try TmuxREPL()
        try repl.waitForPrompt()
        try repl.type("string.fo")
        try repl.press("Tab")
        try repl.waitFor("box> string.format(")
        try repl.enter("'%03d', 7)")
        try repl.waitFor("007")
        try repl.enter("box.users = {list = function() end}")
        try repl.waitForPrompt()
        try repl.type("box.us")
        try repl.press("Tab")
        try repl.waitFor("box> box.users.")
        try repl.type("l")
        try repl.press("Tab")
        try repl.waitFor("box> box.users.list(")
    }

    /// The API is installed before the first prompt (elsewhere on first use): Tab, which reads
    /// tables without running Lua, sees it, also after -e and with -i.
    @Test(arguments: [[], ["-e", "x = 1", "-i"]])
    func tabCompletesTheAPIAtOnce(_ arguments: [String]) throws {
        let repl = try TmuxREPL(arguments)
        try repl.waitForPrompt()
        try repl.type("box.users.terminate_")
        try repl.press("Tab")
        try repl.waitFor("box> box.users.terminate_sessions(")
    }

    @Test func ctrlCInterruptsARunningChunkAndReturnsToThePrompt() throws {
        let repl = try TmuxREPL()
        try repl.waitForPrompt()
        // The chunk prints before it loops: once that line shows, Ctrl-C goes to the chunk.
        try repl.enter("print('spin' .. 'ning') while true do end")
        try repl.waitFor("\nspinning\n")
        try repl.press("C-c")
        try repl.waitFor("interrupted!")
        try repl.waitForPrompt()
        try repl.enter("print('still here')")
        try repl.waitFor("still here\nbox>")
    }

    @Test func ctrlCAtThePromptDropsTheLineAndCtrlDLeavesWithZero() throws {
        let repl = try TmuxREPL()
        try repl.waitForPrompt()
        try repl.type("print('never')")
        try repl.press("C-c")
        try repl.waitFor("box> print('never')\nbox>")
        try repl.enter("for i = 1, 2 do")
        try repl.waitForPrompt(">>")
        try repl.press("C-c")
        try repl.waitForPrompt()
        try repl.enter("print('ok')")
        try repl.waitFor("ok\nbox>")
        #expect(!(try repl.screen()).contains("never\n"))
        try repl.press("C-d")
        try repl.waitFor("EXIT=0")
    }

    @Test func ctrlCStopsAScriptWithStatusOne() throws {
        let run = try TmuxREPL(["-e", "print('looping') while true do end"])
        try run.waitFor("looping")  // printed by the running script: Ctrl-C now goes to it
        try run.press("C-c")
        let screen = try run.waitFor("EXIT=")
        #expect(screen.contains("interrupted!\nEXIT=1"))
        #expect(screen.contains("boxlua: "))
    }

    @Test func dryRunPrompt() throws {
        let repl = try TmuxREPL(["--dry-run"])
        try repl.waitForPrompt("box(dry-run)>")
    }

    @Test func historyIsWrittenPrivatelyAndRecalledNextTime() throws {
        let first = try TmuxREPL()
        try first.waitForPrompt()
        try first.enter("x = 41")
        try first.waitForPrompt()
        try first.enter("for i = 1, 1 do")
        try first.waitForPrompt(">>")
        try first.enter("x = x + i end")
        try first.waitForPrompt()
        try first.press("C-d")
        try first.waitFor("EXIT=0")
        let file = first.stateHome.appendingPathComponent("boxlua/history")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("x = 41\n"))
        #expect(text.contains("for i = 1, 1 do\nx = x + i end\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try TmuxREPL(stateHome: first.stateHome)
        try second.waitForPrompt()
        try second.enter("x = 1")
        try second.waitForPrompt()
        try second.press("Up", "Up")
        try second.waitFor("box> for i = 1, 1 do")
        try second.press("Enter")
        try second.waitForPrompt()
        try second.enter("x")
        try second.waitFor("\n2\nbox>")
    }
}
