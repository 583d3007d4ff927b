/// A Lua 5.4 state: opening and closing it, loading chunks, and protected calls.
import CLua
import LuaShim

/// One Lua state and its main stack.
///
/// Every call into Lua code goes through ``call(arguments:results:)``, a `lua_pcall`
/// under a message handler that records a traceback, so a Lua error never longjmps
/// over a Swift frame. Use the state from one thread only.
public final class LuaState {
    /// The main thread's stack: push, pull and table helpers live on ``LuaStack``.
    public let stack: LuaStack
    /// The raw `lua_State *` of the main thread.
    public var pointer: OpaquePointer { stack.L }
    /// False once ``close()`` ran.
    public private(set) var isOpen = true
    /// Set by the message handler during a failing ``call(arguments:results:)``.
    var pendingTraceback: String?
    /// The state's interrupt cell, readable from a signal handler (see Interrupt.swift).
    let interruptCell: InterruptCell

    /// Opens a new state with Lua's standard libraries.
    ///
    /// - Parameter ignoreEnvironment: like `lua -E`: `package.path` and `package.cpath`
    ///   ignore `LUA_PATH` and `LUA_CPATH`.
    public init(ignoreEnvironment: Bool = false) {
        guard let L = luaL_newstate() else { fatalError("Lua: out of memory creating a state") }
        stack = LuaStack(L)
        interruptCell = InterruptCell(L)
        if ignoreEnvironment {
            lua_pushboolean(L, 1)
            lua_setfield(L, lb_registryindex(), "LUA_NOENV")
        }
        luaL_openlibs(L)
        lua_pushlightuserdata(L, Unmanaged.passUnretained(self).toOpaque())
        lua_setfield(L, lb_registryindex(), LuaState.registryKey)
        installSentinels()
    }

    deinit { close() }

    /// Closes the state: every Lua value is collected and every Swift context it
    /// owned is released. Safe to call twice.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        interruptCell.detach()
        lua_close(pointer)
    }

    static let registryKey = "boxlua.LuaState"

    /// The `LuaState` that owns `L` (any of its threads), while that state is open.
    public static func owning(_ L: OpaquePointer) -> LuaState? {
        lua_getfield(L, lb_registryindex(), registryKey)
        defer { lb_pop(L, 1) }
        guard let raw = lua_touserdata(L, -1) else { return nil }
        return Unmanaged<LuaState>.fromOpaque(raw).takeUnretainedValue()
    }
}

// MARK: - Loading chunks

extension LuaState {
    /// Compiles `source` and pushes the chunk as a function.
    ///
    /// - Parameter chunkName: how errors name the chunk: `=name` is used as is,
    ///   `@file` is a file name; anything else is shown as `[string "..."]`.
    /// - Throws: ``LuaError`` of kind `.syntax` (nothing is pushed).
    public func load(_ source: String, chunkName: String) throws(LuaError) {
        let length = source.utf8.count  // the whole text, embedded zeros included
        let status = source.withCString { lb_loadbuffer(pointer, $0, length, chunkName) }
        try checkLoad(status)
    }

    /// Compiles the file at `path` (a leading `#!` line is skipped) and pushes it
    /// as a function; `path == nil` reads standard input (chunk name `=stdin`).
    ///
    /// - Throws: ``LuaError`` of kind `.file` when it cannot be read, `.syntax` when
    ///   it does not compile.
    public func load(file path: String?) throws(LuaError) {
        try checkLoad(luaL_loadfilex(pointer, path, nil))
    }

    private func checkLoad(_ status: Int32) throws(LuaError) {
        guard status != LUA_OK else { return }
        let message = stack.isString(-1) ? stack.pullString(at: -1) ?? "" : "cannot load chunk"
        lb_pop(pointer, 1)
        let kind: LuaError.Kind =
            status == LUA_ERRSYNTAX ? .syntax : status == LUA_ERRMEM ? .memory : .file
        throw LuaError(kind: kind, message: message)
    }
}

// MARK: - Protected calls

extension LuaState {
    /// Calls the function below the top `arguments` values on the main stack, in
    /// protected mode with a traceback handler (lua.c's `docall`). See
    /// ``LuaStack/call(arguments:results:)``.
    @discardableResult
    public func call(arguments: Int = 0, results: Int? = nil) throws(LuaError) -> Int {
        try stack.call(arguments: arguments, results: results)
    }

    /// Loads and runs `source`; returns how many results it left on the stack.
    @discardableResult
    public func run(_ source: String, chunkName: String = "=(load)", results: Int? = 0)
        throws(LuaError) -> Int
    {
        try load(source, chunkName: chunkName)
        return try call(results: results)
    }

    /// Loads and runs the file at `path` (`nil`: standard input).
    @discardableResult
    public func run(file path: String?, results: Int? = 0) throws(LuaError) -> Int {
        try load(file: path)
        return try call(results: results)
    }
}
