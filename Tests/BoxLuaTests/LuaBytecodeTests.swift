/// The embedded Lua files as the binary loads them: bytecode compiled at build time
/// (Plugins/LuaBytecode), the text when a liblua refuses it.
@testable import BoxLua
import CLua
import LuaHost
import Testing

@Suite struct LuaBytecodeTests {
    static let chunks = [EmbeddedLua.box, EmbeddedLua.help, EmbeddedLua.log]

    /// Each file's bytecode is a binary chunk this liblua accepts, compiled from the text
    /// embedded beside it (its source name is the chunk's, its lines those of the text).
    @Test func eachChunkLoadsAsBytecodeOfItsText() throws {
        for chunk in Self.chunks {
            let binary = chunk.bytecode.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            #expect(binary.starts(with: [0x1B, 0x4C, 0x75, 0x61, 0x54]), "\(chunk.chunkName): ESC Lua 5.4")
            let state = LuaState()
            defer { state.close() }
            let status = binary.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    luaL_loadbufferx(state.pointer, $0.baseAddress, $0.count, "=other", "b")
                }
            }
            #expect(status == LUA_OK, "\(chunk.chunkName)")
            lua_setglobal(state.pointer, "f")
            let lines = String(decoding: chunk.bytes, as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false
            ).count
            try state.run(
                """
                local info = debug.getinfo(f, "SL")
                source, last = info.source, 0
                for line in pairs(info.activelines) do last = math.max(last, line) end
                """, chunkName: "=t")
            #expect(try state.run("return source, last", results: 2) == 2)
            // The chunk name it was compiled under, and line numbers (not stripped) within the text.
            #expect(state.stack.pullString(at: -2) == chunk.chunkName)
            let last = try state.stack.pullValue(at: -1)
            guard case .integer(let line) = last else {
                Issue.record("\(chunk.chunkName): no line information: \(last)")
                continue
            }
            #expect(line > 0 && line <= lines, "\(chunk.chunkName): last line \(line) of \(lines)")
        }
    }

    /// Bytecode this liblua refuses (another Lua release's, or damaged): the text runs instead,
    /// under the same chunk name.
    @Test func refusedBytecodeFallsBackToTheText() throws {
        let state = LuaState()
        defer { state.close() }
        let chunk = EmbeddedChunk(
            chunkName: "=fallback.lua", bytes: Array("answer = debug.getinfo(1, 'S').source".utf8),
            bytecode: "\u{1B}LuaT\u{0}damaged")
        try chunk.run(in: state)
        #expect(try state.run("return answer", results: 1) == 1)
        #expect(state.stack.pullString(at: -1) == "=fallback.lua")
        #expect(lua_gettop(state.pointer) == 1)
    }
}
