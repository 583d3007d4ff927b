/// The API installed on first use: until a chunk touches `box`, `csv`, `json`, `log` or `help`,
/// those globals are stand-ins, and `boxlua -e ''` does not pay for loading box.lua, help.lua
/// and log.lua and pushing the table of operations (most of boxlua's own start-up work).
///
/// The stand-ins are the API's own tables (`box`, `csv`, `json`, `log`: empty, with a metatable
/// whose `__index`, `__newindex` and `__pairs` install the API into them and then answer) and a
/// `help` that installs, then calls the real one. They are plain globals, so strict-globals
/// scripts, `rawget(_G, "box")` and `local box = box` see them as before; a table keeps its
/// identity when it fills. `show` needs nothing else and is installed at once.
import CLua
import LuaHost

/// What the stand-ins need until the first use.
final class APIStandIns {
    /// The values the globals had when set up (the tables that fill, and the `help` stand-in).
    let originals: [(name: String, value: LuaReference)]
    /// The metatable of the four tables until they fill.
    let metatable: LuaReference

    init(originals: [(name: String, value: LuaReference)], metatable: LuaReference) {
        self.originals = originals
        self.metatable = metatable
    }
}

extension BoxRuntime {
    /// The API's tables that fill on first use.
    static let standInTables = ["box", "csv", "json", "log"]

    /// Sets up the stand-ins in `state` (see the file's comment).
    func installStandIns(into state: LuaState) throws {
        let s = state.stack
        let top = s.top
        defer { s.top = top }
        s.pushGlobals()
        let globals = s.top

        s.newTable()
        s.pushFunction(named: "__index") { [unowned self] call in
            try self.installOnFirstUse(call)
            call.stack.pushCopy(of: 2)
            lua_rawget(call.stack.L, 1)
            return .results(1)
        }
        s.rawSet(at: -2, key: "__index")
        s.pushFunction(named: "__newindex") { [unowned self] call in
            try self.installOnFirstUse(call)
            call.stack.pushCopy(of: 2)
            call.stack.pushCopy(of: 3)
            lua_rawset(call.stack.L, 1)
            return .none
        }
        s.rawSet(at: -2, key: "__newindex")
        // pairs(box) before any other use: the filled table's own pairs.
        s.pushGlobals()
        _ = s.rawGet(at: -1, key: "next")
        s.remove(at: -2)
        let next = s.reference(at: -1)
        s.pop()
        s.pushFunction(named: "__pairs") { [unowned self] call in
            try self.installOnFirstUse(call)
            next.push(onto: call.stack)
            call.stack.pushCopy(of: 1)
            call.stack.pushNil()
            return .results(3)
        }
        s.rawSet(at: -2, key: "__pairs")
        let metatable = s.reference(at: -1)
        let metatableIndex = s.top

        var originals: [(name: String, value: LuaReference)] = []
        for name in Self.standInTables {
            s.newTable()
            s.pushCopy(of: metatableIndex)
            s.setMetatable(at: -2)
            originals.append((name, s.reference(at: -1)))
            s.rawSet(at: globals, key: name)
        }

        // help(...): installs, then is the real help (a tail call, so its errors read as before).
        try state.load(
            "local install = ...\nreturn function(...) return install()(...) end", chunkName: "=help.lua")
        s.pushFunction(named: "help") { [unowned self] call in
            try self.installOnFirstUse(call)
            guard let help = self.installedHelp else { throw LuaMessage("help is not installed") }
            help.push(onto: call.stack)
            return .results(1)
        }
        try s.protectedCall(arguments: 1, results: 1)
        originals.append(("help", s.reference(at: -1)))
        s.rawSet(at: globals, key: "help")

        standIns = APIStandIns(originals: originals, metatable: metatable)
    }

    /// Installs the whole API the first time a stand-in is used; nothing after.
    ///
    /// The install runs as at start-up: the stand-ins back in their globals, filled in
    /// place; then the globals the script had assigned get its values again, as if it had
    /// assigned them after the install. A failure is a configuration error (exit 2), as a
    /// failure to install at start-up was.
    func installOnFirstUse(_ call: LuaCall) throws {
        guard let standIns, let state = call.state else { return }
        self.standIns = nil
        let s = state.stack
        let top = s.top
        defer { s.top = top }
        s.pushGlobals()
        let globals = s.top
        var assignedByScript: [(name: String, value: LuaReference?)] = []
        for (name, original) in standIns.originals {
            original.push(onto: s)
            if lua_getmetatable(s.L, -1) != 0 {
                standIns.metatable.push(onto: s)
                let isStandIn = lua_rawequal(s.L, -1, -2) != 0
                s.pop(2)
                if isStandIn {
                    s.pushNil()
                    s.setMetatable(at: -2)
                }
            }
            _ = s.rawGet(at: globals, key: name)
            if lua_rawequal(s.L, -1, -2) == 0 {
                assignedByScript.append((name, s.type(at: -1) == .nil ? nil : s.reference(at: -1)))
            }
            s.pop()
            s.rawSet(at: globals, key: name)
        }
        defer {
            for (name, value) in assignedByScript {
                if let value { value.push(onto: s) } else { s.pushNil() }
                s.rawSet(at: globals, key: name)
            }
        }
        do {
            try installAPI(into: state)
        } catch {
            throw ConfigurationErrorValue(message: "\(error)")
        }
        _ = s.rawGet(at: globals, key: "help")
        installedHelp = s.reference(at: -1)
        s.pop()
    }
}
