/// The Lua half on its own: box.lua loaded over stub primitives written in Lua (no Box client,
/// no sandbox), so its argument checks, the calls it makes and the names in its errors are
/// tested where they are written.
@testable import BoxLua
import LuaHost
import Testing

@Suite struct EmbeddedLuaTests {
    /// A state holding only what box.lua reads when it loads: a `box` table whose primitives
    /// record each call in `calls` and answer with `answer`.
    private func boxLuaAlone() throws -> LuaState {
        let state = LuaState()
        try state.run(
            """
            calls, answer = {}, {id = "7", login = "ann@example.com"}
            box = {
              _call = function(...) calls[#calls + 1] = table.pack(...); return answer end,
              _pages = function() return function() return nil end end,
              _clean_path = function(path) return path end,
              parallel = function() end,
            }
            """, chunkName: "=stubs")
        try state.pushTable(path: "box")
        try state.stack.pushJSON(OperationRows.json)
        state.stack.rawSet(at: -2, key: "_operations")
        state.stack.pop()
        try EmbeddedLua.box.run(in: state)
        return state
    }

    private func run(_ state: LuaState, _ code: String) throws -> LuaValue {
        let n = try state.run(code, chunkName: "=job.lua", results: 1)
        defer { state.stack.pop(Int32(n)) }
        return n > 0 ? try state.stack.pullValue(at: -1) : .nil
    }

    /// The line of box.lua that holds `text`.
    private func boxLuaLine(holding text: String) throws -> Int {
        let lines = String(decoding: EmbeddedLua.box.bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    @Test func eachFileCompilesUnderTheChunkNameItsErrorsShow() throws {
        for (chunk, file) in [
            (EmbeddedLua.box, "box.lua"), (EmbeddedLua.help, "help.lua"), (EmbeddedLua.log, "log.lua"),
        ] {
            #expect(chunk.chunkName == "=" + file)
            let state = LuaState()
            defer { state.close() }
            try state.load(String(decoding: chunk.bytes, as: UTF8.self), chunkName: chunk.chunkName)
        }
    }

    @Test func argumentErrorsNameTheScriptLineNotBoxLua() throws {
        let state = try boxLuaAlone()
        defer { state.close() }
        do {
            _ = try run(state, "local id = '12/..'\nbox.users.get(id)")
            Issue.record("no error")
        } catch let e as LuaError {
            #expect(e.message == "job.lua:2: bad argument #1 to 'get' (user id must be digits, got '12/..')")
        }
        do {
            _ = try run(state, "box.users.delete(7, {forse = true})")
            Issue.record("no error")
        } catch let e as LuaError {
            #expect(
                e.message == "job.lua:1: bad argument #2 to 'delete' (unknown option 'forse' (known: force, notify))")
        }
        let calls = try run(state, "return #calls")
        #expect(calls == .integer(0))
    }

    @Test func callsCarryTheOperationParametersQueryAndNotes() throws {
        let state = try boxLuaAlone()
        defer { state.close() }
        let call = try run(
            state,
            """
            box.users.delete({id = 7, login = "ann@example.com"}, {force = true})
            local c = calls[1]
            return {op = c[1], user_id = c[2].user_id, force = c[3].force, notify = c[3].notify,
                    body = c[4] == nil, as_user = c[5] == nil, id = c[6][1].id, login = c[6][1].login}
            """)
        #expect(
            call
                == .object([
                    "op": .string("users.delete"), "user_id": .string("7"),
                    "force": .string("true"), "notify": .string("false"), "body": .boolean(true),
                    "as_user": .boolean(true),
                    "id": .string("7"), "login": .string("ann@example.com"),
                ]))
    }

    @Test func errorsRaisedInsideBoxLuaNameItsLine() throws {
        let state = try boxLuaAlone()
        defer { state.close() }
        // A suspend answered with nothing: deprovision's step reads the answer's login.
        let report = try run(state, "answer = nil\nreturn box.deprovision(7, {delete = false})")
        let line = try boxLuaLine(holding: "report.user.login = report.user.login or r.login")
        #expect(report["ok"] == .boolean(false))
        #expect(report["error"] == .string("suspend failed: box.lua:\(line): attempt to index a nil value (local 'r')"))
    }
}
