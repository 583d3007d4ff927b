/// The Lua half of the API, in `Sources/BoxLua/*.lua`, embedded in the binary at build time
/// (SwiftPM's `.embedInCode`: a `[UInt8]` constant, no resource bundle read at run time).
import LuaHost

/// One embedded `.lua` file and the chunk name its errors carry: `=FILE`, so that messages and
/// tracebacks read `box.lua:LINE` while a script saved as `box.lua` (chunk `@box.lua`) stays
/// distinct from it.
struct EmbeddedChunk {
    let chunkName: String
    let bytes: [UInt8]

    /// Compiles and runs the chunk in `state`.
    func run(in state: LuaState) throws(LuaError) {
        try state.run(String(decoding: bytes, as: UTF8.self), chunkName: chunkName)
    }
}

enum EmbeddedLua {
    /// The box API over the Swift primitives (`box._call`, `box._pages`, ...).
    static let box = EmbeddedChunk(chunkName: "=box.lua", bytes: PackageResources.box_lua)
    /// `help(fn)`: names every API function, so it runs after the others.
    static let help = EmbeddedChunk(chunkName: "=help.lua", bytes: PackageResources.help_lua)
    /// log.info / log.warn / log.error.
    static let log = EmbeddedChunk(chunkName: "=log.lua", bytes: PackageResources.log_lua)
    /// print and writes to stdout/stderr that erase the progress line first.
    static let progress = EmbeddedChunk(chunkName: "=progress.lua", bytes: PackageResources.progress_lua)
}
