/// Where `require` looks: beside the script first, then `LUA_PATH`, then Lua's defaults.
import CLua
import LuaShim

extension LuaState {
    /// Puts `directory/?.lua;directory/?/init.lua` in front of `package.path`, so
    /// `require` finds modules beside a script. `package.path` itself already comes
    /// from `LUA_PATH_5_4` or `LUA_PATH` (";;" meaning Lua's default path), unless
    /// the state was opened with `ignoreEnvironment`.
    public func addModuleDirectory(_ directory: String) {
        let s = stack
        guard s.rawGet(at: lb_registryindex(), key: "_LOADED") == .table,
            s.rawGet(at: -1, key: "package") == .table
        else {
            s.pop(s.type(at: -1) == .table ? 2 : 1)
            return
        }
        let dir = directory.isEmpty ? "." : directory
        s.rawGet(at: -1, key: "path")
        let current = s.pullString(at: -1) ?? ""
        s.pop()
        s.pushString("\(dir)/?.lua;\(dir)/?/init.lua;" + current)
        s.rawSet(at: -2, key: "path")
        s.pop(2)
    }
}
