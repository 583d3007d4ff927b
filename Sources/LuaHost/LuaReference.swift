/// Registry references that keep Lua values (functions, tables) alive from Swift.
import CLua
import LuaShim

/// A Lua value held in the registry (`luaL_ref`) so Swift can keep it and push it
/// again later, on any thread (coroutine) of the same state. Released on deinit.
///
/// Use it on the state's thread only; it is `Sendable` only so that it can travel
/// inside an `Error`.
public final class LuaReference: @unchecked Sendable {
    private weak var state: LuaState?
    public let id: Int32

    init(state: LuaState?, stack: LuaStack, index: Int32) {
        self.state = state
        stack.pushCopy(of: index)
        id = luaL_ref(stack.L, lb_registryindex())
    }

    /// Pushes the referenced value onto `stack` (a stack of the same state).
    public func push(onto stack: LuaStack) {
        lua_rawgeti(stack.L, lb_registryindex(), lua_Integer(id))
    }

    deinit {
        guard let state, state.isOpen else { return }
        luaL_unref(state.pointer, lb_registryindex(), id)
    }
}

extension LuaStack {
    /// A registry reference to the value at `index` (the value stays on the stack).
    public func reference(at index: Int32) -> LuaReference {
        LuaReference(state: LuaState.owning(L), stack: self, index: index)
    }
}
