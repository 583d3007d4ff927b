/// The Lua half of the API, in `Sources/BoxLua/*.lua`, embedded in the binary at build time
/// (SwiftPM's `.embedInCode`: a `[UInt8]` constant, no resource bundle read at run time).
import CLua
import LuaHost

/// One embedded `.lua` file and the chunk name its errors carry: `=FILE`, so that messages and
/// tracebacks read `box.lua:LINE` while a script saved as `box.lua` (chunk `@box.lua`) stays
/// distinct from it.
struct EmbeddedChunk {
    let chunkName: String
    let bytes: [UInt8]
    /// The same chunk compiled at build time (Plugins/LuaBytecode), its bytes as the Unicode
    /// scalars U+0000...U+00FF of a string literal: loading it skips the compiler, about 1 ms
    /// of every start. The text is the fallback for a liblua that refuses it.
    let bytecode: String

    /// Loads (the bytecode, else the text) and runs the chunk in `state`.
    func run(in state: LuaState) throws(LuaError) {
        let binary = bytecode.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        let status = binary.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                luaL_loadbufferx(state.pointer, $0.baseAddress, $0.count, chunkName, "b")
            }
        }
        guard status == LUA_OK else {
            lua_settop(state.pointer, -2)  // the message: another Lua 5.4 release's bytecode
            try state.run(String(decoding: bytes, as: UTF8.self), chunkName: chunkName)
            return
        }
        try state.call(results: 0)
    }
}

enum EmbeddedLua {
    /// The box API over the Swift primitives (`box._call`, `box._pages`, ...).
    static let box = EmbeddedChunk(
        chunkName: "=box.lua", bytes: PackageResources.box_lua, bytecode: LuaBytecode.box_lua)
    /// `help(fn)`: names every API function, so it runs after the others.
    static let help = EmbeddedChunk(
        chunkName: "=help.lua", bytes: PackageResources.help_lua, bytecode: LuaBytecode.help_lua)
    /// log.info / log.warn / log.error.
    static let log = EmbeddedChunk(
        chunkName: "=log.lua", bytes: PackageResources.log_lua, bytecode: LuaBytecode.log_lua)
}
