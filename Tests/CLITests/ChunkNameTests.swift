/// Lua shortens a script's name in messages past 59 bytes ("..." and the last 56): tests
/// build expected lines with `luaChunkName`, which this checks against Lua itself.
import Foundation
import TestSupport
import Testing

@Suite struct ChunkNameTests {
    @Test(arguments: [10, 59, 60, 150])
    func errorLinesNameTheScriptAsLuaShortensIt(_ length: Int) throws {
        let dir = temporaryDirectory("boxlua-chunk")
        // A folder name that brings the script's path to exactly `length` bytes when it can.
        let fixed = dir.path.utf8.count + "/".utf8.count + "/s.lua".utf8.count
        let folder = dir.appendingPathComponent(String(repeating: "d", count: max(1, length - fixed))).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/s.lua"
        try "error('broke')\n".write(toFile: script, atomically: true, encoding: .utf8)
        let r = try boxlua([script])
        #expect(r.stderr == "boxlua: \(luaChunkName(script)):1: broke\n")
        #expect(r.status == 1)
    }

    /// The API's own Lua file is the chunk =box.lua; a script run as box.lua is @box.lua, so
    /// its argument errors still name its own line, not a frame further out.
    @Test func aScriptNamedBoxLuaIsNotTakenForTheAPIsFile() throws {
        let dir = temporaryDirectory("boxlua-chunk")
        let script = dir.appendingPathComponent("box.lua").path
        try "local id = '1/..'\nbox.users.get(id)\n".write(toFile: script, atomically: true, encoding: .utf8)
        let r = try boxlua(["box.lua"], directory: dir.path)
        #expect(r.stderr == "boxlua: box.lua:2: bad argument #1 to 'get' (user id must be digits, got '1/..')\n")
        #expect(r.status == 1)
    }

    @Test func shortNamesStayLongOnesKeepTheirEnd() {
        #expect(luaChunkName("job.lua") == "job.lua")
        let fiftyNine = String(repeating: "a", count: 55) + ".lua"
        #expect(luaChunkName(fiftyNine) == fiftyNine)
        let sixty = "b" + fiftyNine
        #expect(luaChunkName(sixty) == "..." + String(fiftyNine.suffix(56)))
    }
}
