/// A view of one Lua stack (the main thread's or a coroutine's): types, scalars, tables.
import CLua
import LuaShim

/// The kinds of Lua values, as `lua_type` reports them.
public enum LuaType: Int32, Sendable {
    case none = -1, `nil` = 0, boolean, lightUserdata, number, string, table, function,
        userdata, thread
}

/// One Lua stack. It is a thin value over `lua_State *`: copying it copies the
/// pointer. Every method here is safe to call from Swift: none of them can raise a
/// Lua error except on out-of-memory; anything that may run a metamethod runs it
/// under a protected call and throws ``LuaError`` instead.
public struct LuaStack {
    public let L: OpaquePointer

    public init(_ L: OpaquePointer) { self.L = L }

    /// The index of the top value (0 when empty); setting it pops or pushes nils.
    public var top: Int32 {
        get { lua_gettop(L) }
        nonmutating set { lua_settop(L, newValue) }
    }

    public func pop(_ count: Int32 = 1) { lb_pop(L, count) }
    public func absolute(_ index: Int32) -> Int32 { lua_absindex(L, index) }
    public func pushCopy(of index: Int32) { lua_pushvalue(L, index) }
    public func remove(at index: Int32) { lb_remove(L, index) }
    public func insert(at index: Int32) { lb_insert(L, index) }

    /// The slots Lua guarantees a C function on entry (LUA_MINSTACK): a fixed handful of
    /// pushes needs no ``reserve(_:)``; a count that depends on data always does.
    public static let guaranteedSlots = 20

    /// Makes sure `extra` more slots fit (lua_checkstack); false when the stack cannot grow
    /// that far (Lua's limit is LUAI_MAXSTACK, a million slots). Pushing past the room
    /// Lua promised writes outside the stack: every push of a data-dependent count of
    /// values must reserve first.
    public func reserve(_ extra: Int) -> Bool {
        extra <= Int(Int32.max) && lua_checkstack(L, Int32(extra)) != 0
    }

    public func type(at index: Int32) -> LuaType { LuaType(rawValue: lua_type(L, index)) ?? .none }

    /// The type name as error messages say it (`nil`, `no value`, or a `__name`).
    public func typeName(at index: Int32) -> String {
        if type(at: index) == .none { return "no value" }
        if lua_getmetatable(L, index) != 0 {
            defer { pop() }
            if rawGet(at: -1, key: "__name") == .string, let name = pullString(at: -1) {
                pop()
                return name
            }
            pop()
        }
        return String(cString: lb_typename(L, index))
    }

    public func isString(_ index: Int32) -> Bool { type(at: index) == .string }
    public func isInteger(_ index: Int32) -> Bool { lua_isinteger(L, index) != 0 }

    // MARK: Scalars

    public func pushNil() { lua_pushnil(L) }
    public func pushBoolean(_ value: Bool) { lua_pushboolean(L, value ? 1 : 0) }
    public func pushInteger(_ value: Int64) { lua_pushinteger(L, value) }
    public func pushNumber(_ value: Double) { lua_pushnumber(L, value) }

    /// Pushes the string's UTF-8 bytes with their length (embedded zeros kept).
    public func pushString(_ value: String) {
        var value = value
        value.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// Pushes raw bytes as a Lua string.
    public func pushBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        bytes.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
    }

    /// Pushes raw bytes as a Lua string.
    public func pushBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }

    /// The bytes of the string at `index`, or nil when it is not a string. Numbers are
    /// not converted (`lua_tolstring` would change them in place).
    public func pullBytes(at index: Int32) -> [UInt8]? {
        guard isString(index) else { return nil }
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// The string at `index` (invalid UTF-8 repaired), or nil when it is not a string.
    public func pullString(at index: Int32) -> String? {
        guard isString(index) else { return nil }
        var length = 0
        guard let p = lua_tolstring(L, index, &length) else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// The integer at `index` when it is a number with an exact integer value.
    public func pullInteger(at index: Int32) -> Int64? {
        guard type(at: index) == .number else { return nil }
        var ok: Int32 = 0
        let value = lua_tointegerx(L, index, &ok)
        return ok != 0 ? value : nil
    }

    /// The number at `index` (an integer becomes a Double), or nil.
    public func pullNumber(at index: Int32) -> Double? {
        guard type(at: index) == .number else { return nil }
        return lua_tonumberx(L, index, nil)
    }

    /// The boolean at `index`, or nil when it is not a boolean.
    public func pullBoolean(at index: Int32) -> Bool? {
        guard type(at: index) == .boolean else { return nil }
        return lua_toboolean(L, index) != 0
    }

    /// Lua truthiness: false only for nil and false.
    public func isTruthy(_ index: Int32) -> Bool { lua_toboolean(L, index) != 0 }
}

// MARK: - Tables without metamethods

extension LuaStack {
    /// Pushes a new table, sized for `arrayCount` items and `fieldCount` fields.
    public func newTable(arrayCount: Int32 = 0, fieldCount: Int32 = 0) {
        lua_createtable(L, arrayCount, fieldCount)
    }

    public func pushGlobals() { lb_pushglobaltable(L) }

    /// Pushes `table[key]` without running `__index`; returns its type.
    @discardableResult
    public func rawGet(at table: Int32, key: String) -> LuaType {
        let t = absolute(table)
        pushString(key)
        return LuaType(rawValue: lua_rawget(L, t)) ?? .nil
    }

    /// Pushes `table[index]` without running `__index`; returns its type.
    @discardableResult
    public func rawGet(at table: Int32, index: Int64) -> LuaType {
        LuaType(rawValue: lua_rawgeti(L, table, index)) ?? .nil
    }

    /// Pops a value and stores it as `table[key]` without running `__newindex`.
    public func rawSet(at table: Int32, key: String) {
        let t = absolute(table)
        pushString(key)
        lb_insert(L, -2)
        lua_rawset(L, t)
    }

    /// Pops a value and stores it as `table[index]` without running `__newindex`.
    public func rawSet(at table: Int32, index: Int64) { lua_rawseti(L, table, index) }

    /// The length of the table or string at `index` without running `__len`.
    public func rawLength(at index: Int32) -> Int64 { Int64(lua_rawlen(L, index)) }

    /// True when the value at `index` has a metatable holding `field`.
    public func hasMetafield(at index: Int32, _ field: String) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        let found = rawGet(at: -1, key: field) != .nil
        pop(2)
        return found
    }
}

// MARK: - Protected access (metamethods may run and raise)

extension LuaStack {
    /// Pushes `table[key]`, running `__index` if any; a raised error is thrown.
    public func getField(at table: Int32, key: String) throws(LuaError) {
        let t = absolute(table)
        lua_pushcclosure(L, lb_cf_gettable, 0)
        pushCopy(of: t)
        pushString(key)
        try protectedCall(arguments: 2, results: 1)
    }

    /// Pops a value and sets `table[key]` to it, running `__newindex` if any.
    public func setField(at table: Int32, key: String) throws(LuaError) {
        let t = absolute(table)
        lua_pushcclosure(L, lb_cf_settable, 0)
        pushCopy(of: t)
        pushString(key)
        lua_rotate(L, -4, -1)  // function, table, key, value
        try protectedCall(arguments: 3, results: 0)
    }

    /// `tostring(value)` as Lua computes it (`__tostring`, `__name`), run protected.
    public func tostring(at index: Int32) throws(LuaError) -> String {
        let i = absolute(index)
        lua_pushcclosure(L, lb_cf_tostring, 0)
        pushCopy(of: i)
        try protectedCall(arguments: 1, results: 1)
        defer { pop() }
        return pullString(at: -1) ?? ""
    }

    /// Calls the function below the top `arguments` values, in protected mode with a
    /// message handler that records the traceback (lua.c's `docall`). Use the stack of
    /// the thread that is running (``LuaCall/stack`` inside a Swift function, which
    /// may be a coroutine's).
    ///
    /// - Parameter results: how many results to keep, or `nil` for all of them.
    /// - Returns: the number of results now on the stack.
    /// - Throws: ``LuaError`` holding the message, the traceback and, for a table
    ///   error value, a reference to the original value.
    @discardableResult
    public func call(arguments: Int = 0, results: Int? = nil) throws(LuaError) -> Int {
        let base = top - Int32(arguments)  // index of the function
        let owner = LuaState.owning(L)
        lb_push_swift_function(L, recordTraceback, nil)
        insert(at: base)
        owner?.pendingTraceback = nil
        let status = lb_pcall(L, Int32(arguments), Int32(results ?? Int(LUA_MULTRET)), base)
        remove(at: base)
        if status == LUA_OK {
            let count = Int(top - base + 1)
            // All results leave no room above them (lua_pcall sets the frame's top to the
            // stack's): make the room a caller may push into, as lua.c's l_print does.
            guard results != nil || reserve(LuaStack.guaranteedSlots) else {
                top = base - 1
                throw LuaError(kind: .runtime, message: "stack overflow (too many results)")
            }
            return count
        }
        let error = LuaError.fromStack(self, status: status, traceback: owner?.pendingTraceback)
        pop()
        owner?.pendingTraceback = nil
        throw error
    }

    /// Calls the function below `arguments` values, protected, without a traceback.
    /// Prefer ``LuaState/call(arguments:results:)`` for user code.
    public func protectedCall(arguments: Int32, results: Int32) throws(LuaError) {
        let status = lb_pcall(L, arguments, results, 0)
        guard status != LUA_OK else { return }
        let error = LuaError.fromStack(self, status: status, traceback: nil)
        pop()
        throw error
    }
}

// MARK: - Metatables by name

extension LuaStack {
    /// Creates the metatable registered as `name` unless it exists, and pushes it.
    /// - Returns: true when it was created now (fill in its fields).
    @discardableResult
    public func pushMetatable(named name: String, createIfMissing: Bool) -> Bool {
        if createIfMissing { return luaL_newmetatable(L, name) != 0 }
        lb_getmetatable_named(L, name)
        return false
    }

    /// Sets the metatable registered as `name` on the value at `index`.
    public func setMetatable(named name: String, at index: Int32) {
        let i = absolute(index)
        lb_getmetatable_named(L, name)
        lua_setmetatable(L, i)
    }

    /// Pops a table and makes it the metatable of the value at `index` (an index
    /// counted with the table still on the stack, e.g. -2 for the value below it).
    public func setMetatable(at index: Int32) {
        lua_setmetatable(L, absolute(index))
    }

    /// True when the value at `index` has the metatable registered as `name`.
    public func hasMetatable(named name: String, at index: Int32) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        lb_getmetatable_named(L, name)
        defer { pop(2) }
        return lua_rawequal(L, -1, -2) != 0
    }
}

/// The message handler of ``LuaStack/call(arguments:results:)``: records the
/// traceback on the owning state and leaves the error value itself unchanged, so a
/// table error keeps its identity and metatable.
private let recordTraceback: lb_swift_fn = { L, _, _ in
    guard let L else { return 0 }
    luaL_traceback(L, L, nil, 1)
    LuaState.owning(L)?.pendingTraceback = LuaStack(L).pullString(at: -1)
    lb_pop(L, 1)
    return 1
}
