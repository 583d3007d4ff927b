/// Coroutines driven from Swift: create, resume with values, learn how they stopped.
import CLua
import LuaShim

/// How a resume ended. The counted values are on top of the coroutine's stack
/// (read them with ``LuaCoroutine/values()``) until the next resume.
public enum LuaResume {
    /// The coroutine yielded this many values and can be resumed.
    case yielded(Int32)
    /// The function returned this many values; the coroutine is dead.
    case finished(Int32)
    /// The function raised an error; the coroutine is dead.
    case failed(LuaError)
}

/// A Lua thread running one function, resumed by a Swift scheduler (for example
/// one that waits for HTTP replies and resumes the coroutine that asked).
public final class LuaCoroutine {
    public let state: LuaState
    /// The coroutine's own stack.
    public let stack: LuaStack
    private let threadReference: Int32
    private var pendingValues: Int32 = 0
    /// False once the function returned or failed.
    public private(set) var isAlive = true

    /// Creates a coroutine that will run the function on top of `state.stack`
    /// (popped). Its arguments are the values of the first resume.
    public init(state: LuaState) {
        let L = state.pointer
        self.state = state
        let thread = lua_newthread(L)!
        threadReference = luaL_ref(L, lb_registryindex())  // keeps the thread alive
        lua_xmove(L, thread, 1)
        stack = LuaStack(thread)
    }

    /// Creates a coroutine running the referenced function.
    public convenience init(state: LuaState, function: LuaReference) {
        function.push(onto: state.stack)
        self.init(state: state)
    }

    deinit {
        if state.isOpen { luaL_unref(state.pointer, lb_registryindex(), threadReference) }
    }

    /// Resumes with the values `push` pushes onto ``stack`` (it returns how many; more
    /// than ``LuaStack/guaranteedSlots`` only after ``LuaStack/reserve(_:)``).
    /// The values of the previous yield are dropped first.
    public func resume(_ push: (LuaStack) throws -> Int32) rethrows -> LuaResume {
        guard isAlive else {
            return .failed(LuaError(kind: .runtime, message: "cannot resume dead coroutine"))
        }
        stack.pop(pendingValues)
        pendingValues = 0
        let count = try push(stack)
        var results: Int32 = 0
        let status = state.withRunningThread(stack.L) {
            lua_resume(stack.L, state.pointer, count, &results)
        }
        switch status {
        case LUA_YIELD:
            pendingValues = results
            return .yielded(results)
        case LUA_OK:
            pendingValues = results
            isAlive = false
            return .finished(results)
        default:
            isAlive = false
            return .failed(failure(status))
        }
    }

    /// Resumes with `values` as the results of the pending yield (or as the
    /// function's arguments on the first resume).
    public func resume(_ values: [LuaValue] = []) throws(LuaConversionError) -> LuaResume {
        do {
            return try resume { stack in try stack.pushValues(values) }
        } catch let error as LuaConversionError {
            throw error
        } catch {
            preconditionFailure("pushValues throws only LuaConversionError")
        }
    }

    /// The values of the last yield or return, as data.
    public func values() throws(LuaConversionError) -> [LuaValue] {
        let first = stack.top - pendingValues + 1
        var out: [LuaValue] = []
        for i in stride(from: first, through: stack.top, by: 1) { out.append(try stack.pullValue(at: i)) }
        return out
    }

    private func failure(_ status: Int32) -> LuaError {
        // A coroutine that died of a stack overflow may have no room left for a traceback.
        var traceback: String?
        if stack.reserve(LuaStack.guaranteedSlots) {
            luaL_traceback(stack.L, stack.L, nil, 0)
            traceback = stack.pullString(at: -1)
            stack.pop()
        }
        let error = LuaError.fromStack(stack, status: status, traceback: traceback)
        lua_resetthread(stack.L)
        return error
    }
}
