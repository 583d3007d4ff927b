/// Swift closures as Lua functions: registration, ownership, errors and yields.
import CLua
import LuaShim

/// What a Swift function tells Lua when it returns.
public enum LuaResult: Equatable, Sendable {
    /// The top `count` values of the stack are the function's results.
    case results(Int32)
    /// Yield the top `count` values to whoever resumed the coroutine. On resume the
    /// function is called again with `stage + 1`; the values passed to the resume are
    /// then on top of its stack (tip: clear the stack before yielding, then on resume
    /// return `.results(call.stack.top)`).
    case yield(Int32)

    /// No results.
    public static let none = LuaResult.results(0)
}

/// A Swift function callable from Lua. Throwing raises a Lua error that `pcall`
/// catches: a ``LuaRaisable`` pushes its own value; a ``LuaError`` holding a value
/// raises that value again; anything else becomes a string prefixed with the
/// caller's position, like `luaL_error`.
public typealias LuaFunction = (LuaCall) throws -> LuaResult

/// An error that knows which Lua value to raise (for example a table with a
/// `__tostring` metatable).
public protocol LuaRaisable: Error {
    /// Pushes exactly one value: the Lua error value.
    func pushLuaError(onto stack: LuaStack)
}

/// One call of a Swift function from Lua: its arguments and where to push results.
public struct LuaCall {
    /// The stack of the calling thread (a coroutine's when called inside one).
    public let stack: LuaStack
    /// The name the function was registered under (used in argument errors).
    public let name: String
    /// 0 on the first call; n after the function yielded n times and was resumed.
    public let stage: Int
    /// How many arguments were passed: the stack height on entry (at a later stage,
    /// the height on re-entry: what was left below the yielded values, plus the
    /// values of the resume).
    public let argumentCount: Int32

    /// The state this call runs in.
    public var state: LuaState? { LuaState.owning(stack.L) }

    /// True when the function may return ``LuaResult/yield(_:)`` (it runs inside a
    /// coroutine and no C call boundary stands between). Check it before starting
    /// work that a yield would wait for.
    public var isYieldable: Bool { lb_yieldable(stack.L) != 0 }
}

/// The Swift side of one Lua function value; owned by its userdata upvalue.
final class FunctionBox {
    let name: String
    let body: LuaFunction

    init(name: String, body: @escaping LuaFunction) {
        self.name = name
        self.body = body
    }

    /// Runs the body; returns what the C trampoline expects (count, LB_ERROR or yield).
    func invoke(_ stack: LuaStack, stage: Int32) -> Int32 {
        let call = LuaCall(stack: stack, name: name, stage: Int(stage), argumentCount: stack.top)
        do {
            // Lua gives a C function its guaranteed slots when it is called, not when it is
            // resumed: the values of the resume may have filled the stack.
            if stage > 0 && !stack.reserve(LuaStack.guaranteedSlots) {
                throw LuaMessage("stack overflow (too many values to resume \(name) with)")
            }
            switch try body(call) {
            case .results(let n): return n
            case .yield(let n):
                guard call.isYieldable else {
                    throw LuaMessage("attempt to yield from outside a coroutine")
                }
                return LB_YIELD_BASE - n
            }
        } catch {
            stack.pushError(error)
            return LB_ERROR
        }
    }
}

/// A plain error message raised from Swift (the caller's position is prefixed).
public struct LuaMessage: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

extension LuaStack {
    /// Pushes the Lua error value for a Swift error (rules on ``LuaFunction``).
    public func pushError(_ error: any Error) {
        if let raisable = error as? any LuaRaisable {
            raisable.pushLuaError(onto: self)
        } else if let lua = error as? LuaError, let value = lua.value {
            value.push(onto: self)
        } else if let lua = error as? LuaError {
            pushString(lua.message)  // already carries its position
        } else {
            luaL_where(L, 1)
            let position = pullString(at: -1) ?? ""
            pop()
            pushString(position + String(describing: error))
        }
    }

    /// Pushes a Lua function that runs `body`. The function owns `body` (and what it
    /// captures) until Lua garbage-collects the function.
    public func pushFunction(named name: String = "?", _ body: @escaping LuaFunction) {
        let box = Unmanaged.passRetained(FunctionBox(name: name, body: body))
        let slot = lb_newuserdata(L, MemoryLayout<UnsafeMutableRawPointer?>.size)!
        slot.storeBytes(of: box.toOpaque(), as: UnsafeMutableRawPointer?.self)
        if pushMetatable(named: functionMetatable, createIfMissing: true) {
            lua_pushcclosure(L, releaseFunctionBox, 0)
            rawSet(at: -2, key: "__gc")
        }
        lua_setmetatable(L, -2)
        lb_push_swift_closure(L, dispatchSwiftFunction)
    }
}

private let functionMetatable = "boxlua.swift_function"

private let dispatchSwiftFunction: lb_swift_fn = { L, stage, slot in
    guard let L, let slot,
        let raw = slot.load(as: UnsafeMutableRawPointer?.self)
    else { return 0 }
    return Unmanaged<FunctionBox>.fromOpaque(raw).takeUnretainedValue()
        .invoke(LuaStack(L), stage: stage)
}

/// `__gc` of the owning userdata: releases the Swift closure exactly once.
private let releaseFunctionBox: lua_CFunction = { L in
    guard let L, let slot = lua_touserdata(L, 1) else { return 0 }
    if let raw = slot.load(as: UnsafeMutableRawPointer?.self) {
        slot.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        Unmanaged<FunctionBox>.fromOpaque(raw).release()
    }
    return 0
}

extension LuaState {
    /// Makes `body` callable from Lua as `path.name` (or the global `name` when
    /// `path` is nil), creating the tables of a dotted `path` such as "box.users".
    ///
    /// - Throws: ``LuaError`` when a part of `path` exists and is not a table.
    public func register(
        _ name: String, in path: String? = nil, _ body: @escaping LuaFunction
    ) throws(LuaError) {
        let s = stack
        try pushTable(path: path)
        s.pushFunction(named: name, body)
        s.rawSet(at: -2, key: name)
        s.pop()
    }

    /// Pushes the table at the dotted `path` below the globals (the globals for nil),
    /// creating missing tables, without running metamethods.
    public func pushTable(path: String?) throws(LuaError) {
        let s = stack
        s.pushGlobals()
        var walked: [Substring] = []
        for part in (path ?? "").split(separator: ".") {
            walked.append(part)
            switch s.rawGet(at: -1, key: String(part)) {
            case .table: break
            case .nil:
                s.pop()
                s.newTable()
                s.pushCopy(of: -1)
                s.rawSet(at: -3, key: String(part))
            default:
                s.pop(2)
                let where_ = walked.joined(separator: ".")
                throw LuaError(kind: .runtime, message: "cannot add functions to \(where_): not a table")
            }
            s.remove(at: -2)
        }
    }
}
