/// The null sentinel and the empty-object marker that conversions understand.
import CLua
import LuaShim

/// Registry names of the two sentinels (for other code that wants to expose them,
/// e.g. as `json.null` and `json.empty_object()`).
public enum LuaSentinel {
    /// Registry key of the null value: a userdata whose `tostring` is "null".
    public static let nullKey = "boxlua.null"
    /// Name of the metatable that marks an empty table as a JSON object `{}`.
    public static let emptyObjectMetatable = "boxlua.empty_object"
}

extension LuaState {
    /// Creates the sentinels once per state.
    func installSentinels() {
        let s = stack
        lb_newuserdata(pointer, 0)
        s.newTable()
        s.pushString("null")
        s.rawSet(at: -2, key: "__name")
        lua_pushcclosure(pointer, nullToString, 0)
        s.rawSet(at: -2, key: "__tostring")
        lua_setmetatable(pointer, -2)
        lua_setfield(pointer, lb_registryindex(), LuaSentinel.nullKey)

        s.pushMetatable(named: LuaSentinel.emptyObjectMetatable, createIfMissing: true)
        s.pushString("empty_object")
        s.rawSet(at: -2, key: "__name")
        s.pop()
    }
}

private let nullToString: lua_CFunction = { L in
    lua_pushstring(L, "null")
    return 1
}

extension LuaStack {
    /// Pushes the null sentinel.
    public func pushNull() { lua_getfield(L, lb_registryindex(), LuaSentinel.nullKey) }

    /// True when the value at `index` is the null sentinel.
    public func isNull(_ index: Int32) -> Bool {
        guard type(at: index) == .userdata else { return false }
        let i = absolute(index)
        pushNull()
        defer { pop() }
        return lua_rawequal(L, i, -1) != 0
    }

    /// Pushes a new empty table marked as a JSON object, so it converts to `{}`.
    public func pushEmptyObject() {
        newTable()
        setMetatable(named: LuaSentinel.emptyObjectMetatable, at: -1)
    }

    /// True when the table at `index` carries the empty-object marker.
    public func isMarkedObject(_ index: Int32) -> Bool {
        hasMetatable(named: LuaSentinel.emptyObjectMetatable, at: index)
    }
}
