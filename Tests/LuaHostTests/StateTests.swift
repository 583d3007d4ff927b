/// The state: loading, errors with tracebacks, require paths, interrupts.
import Foundation
import LuaHost
import Testing

@Suite struct StateTests {
    let state = LuaState()

    @Test func syntaxErrorsAreTypedAndNameTheChunk() {
        let error = failure(state, "x = = 1")
        #expect(error?.kind == .syntax)
        #expect(error?.message == "test:1: unexpected symbol near '='")
        #expect(state.stack.top == 0)
    }

    @Test func runtimeErrorsCarryATraceback() {
        let error = failure(state, "local function inner() error('deep') end\ninner()")
        #expect(error?.kind == .runtime)
        #expect(error?.message == "test:1: deep")
        #expect(error?.traceback?.hasPrefix("stack traceback:") == true)
        #expect(error?.traceback?.contains("in local 'inner'") == true)
        #expect(error?.messageWithTraceback.contains("test:1: deep\nstack traceback:") == true)
        #expect(state.stack.top == 0)
    }

    @Test func tableErrorsUseTostringAndKeepTheValue() {
        let error = failure(
            state, "error(setmetatable({code='x'}, {__tostring = function(e) return 'E:' .. e.code end}))")
        #expect(error?.message == "E:x")
        #expect(error?.data == ["code": "x"])
        let plain = failure(state, "error({1, 2})")
        #expect(plain?.message == "(error object is a table value)")
        let broken = failure(state, "error(setmetatable({}, {__tostring = function() error('no') end}))")
        #expect(broken?.message == "(error object is a table value)")
        #expect(failure(state, "error(42)")?.message == "42")
        #expect(failure(state, "error()")?.message == "(error object is a nil value)")
    }

    @Test func unreadableFilesAreFileErrors() {
        #expect(throws: LuaError.self) { try state.load(file: "/nonexistent/script.lua") }
        do {
            try state.load(file: "/nonexistent/script.lua")
        } catch {
            #expect(error.kind == .file)
            #expect(error.message.contains("cannot open /nonexistent/script.lua"))
        }
    }

    @Test func chunksSeeEmbeddedZerosInTheirSource() throws {
        #expect(try evaluate(state, "#'\u{0}'") == 1)
    }

    @Test func requireFindsModulesBesideTheScriptAndOnLuaPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("luahost-\(UUID())")
        let lib = dir.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        try "return {name = 'beside'}".write(
            to: dir.appendingPathComponent("helper.lua"), atomically: true, encoding: .utf8)
        try "return {name = 'on path'}".write(
            to: lib.appendingPathComponent("pathmod.lua"), atomically: true, encoding: .utf8)
        let script = dir.appendingPathComponent("main.lua")
        try "return require('helper').name .. '+' .. require('pathmod').name".write(
            to: script, atomically: true, encoding: .utf8)
        setenv("LUA_PATH", lib.path + "/?.lua;;", 1)
        defer { unsetenv("LUA_PATH") }
        let withPath = LuaState()
        withPath.addModuleDirectory(dir.path)
        try withPath.run(file: script.path, results: 1)
        #expect(withPath.stack.pullString(at: -1) == "beside+on path")
        let ignoring = LuaState(ignoreEnvironment: true)
        ignoring.addModuleDirectory(dir.path)
        #expect(throws: LuaError.self) { try ignoring.run(file: script.path) }
    }

    @Test func interruptStopsRunningCodeWithInterrupted() throws {
        let target = state
        try state.register("trigger", in: nil) { _ in
            target.interrupt()
            return .none
        }
        let error = failure(state, "local i = 0\nwhile true do i = i + 1; if i == 1000 then trigger() end end")
        #expect(error?.message == "test:2: interrupted!")
        #expect(error?.kind == .interrupted)
        #expect(state.interruptRequested)
        state.clearInterrupt()
        #expect(!state.interruptRequested)
        #expect(try evaluate(state, "1 + 1") == 2)
    }

    @Test func sigintIsRoutedToTheHook() throws {
        InterruptSignal.route(to: state, restoreDefaultOnSignal: false)
        defer { InterruptSignal.restoreDefault() }
        try state.register("ctrl_c", in: nil) { _ in
            kill(getpid(), SIGINT)  // process-directed: test threads may block signals
            return .none
        }
        let error = failure(state, "ctrl_c()\nwhile true do end")
        #expect(error?.message.hasSuffix("interrupted!") == true)
        state.clearInterrupt()
    }

    @Test func interruptReachesARunningCoroutine() throws {
        let target = state
        try state.register("trigger", in: nil) { _ in
            target.interrupt()
            return .none
        }
        try state.load("trigger(); while true do end", chunkName: "=co")
        let co = LuaCoroutine(state: state)
        guard case .failed(let error) = try co.resume() else {
            Issue.record("coroutine was not interrupted")
            return
        }
        #expect(error.message == "co:1: interrupted!")
        #expect(error.kind == .interrupted)
        state.clearInterrupt()
    }
}

@Suite struct PrettyPrinterTests {
    let state = LuaState()

    func show(_ expression: String) throws -> String {
        try state.run("return " + expression, results: 1)
        defer { state.stack.pop() }
        return LuaPrettyPrinter().render(state.stack, at: -1)
    }

    @Test func scalarsPrintLikeTostring() throws {
        #expect(try show("42") == "42")
        #expect(try show("3.0") == "3.0")
        #expect(try show("'text'") == "text")
        #expect(try show("nil") == "nil")
        #expect(try show("{}") == "{}")
    }

    @Test func nestedTablesAreSortedAndCompact() throws {
        #expect(
            try show("{b = 2, a = 'x', [1] = 'first', ['two words'] = true}")
                == #"{ "first", a = "x", b = 2, ["two words"] = true }"#)
        #expect(try show("{1, 2, {3, 4}}") == "{ 1, 2, { 3, 4 } }")
    }

    @Test func wideTablesBreakIntoLines() throws {
        let text = try show(
            "{name = 'Ada Lovelace', login = 'ada@example.com', status = 'active', tags = {'a', 'b'}, job = 'analyst'}")
        #expect(
            text == """
                {
                  job = "analyst",
                  login = "ada@example.com",
                  name = "Ada Lovelace",
                  status = "active",
                  tags = { "a", "b" },
                }
                """)
    }

    @Test func longArraysAreCutWithACount() throws {
        let text = try show("(function() local t = {} for i = 1, 120 do t[i] = i end return t end)()")
        #expect(text.contains("50,\n"))
        #expect(!text.contains("51,"))
        #expect(text.contains("... (70 more)"))
    }

    @Test func cyclesAreMarked() throws {
        #expect(try show("(function() local t = {n = 1} t.me = t return t end)()") == "{ me = <cycle>, n = 1 }")
    }

    @Test func stringsAreQuotedAndEscaped() throws {
        #expect(try show("{'a\\nb', 'q\"', 'z\\0'}") == #"{ "a\nb", "q\"", "z\000" }"#)
    }

    @Test func tostringMetamethodsAreUsed() throws {
        #expect(try show("{setmetatable({}, {__tostring = function() return 'ERR' end})}") == "{ ERR }")
    }
}
