/// Small helpers shared by the LuaHost tests.
import LuaHost

/// Runs `return <expression>` and reads its one result as data.
func evaluate(_ state: LuaState, _ expression: String) throws -> LuaValue {
    try state.run("return " + expression, chunkName: "=test", results: 1)
    defer { state.stack.pop() }
    return try state.stack.pullValue(at: -1)
}

/// Runs `code` and returns the LuaError it raised (nil when it ran fine).
func failure(_ state: LuaState, _ code: String) -> LuaError? {
    do {
        try state.run(code, chunkName: "=test")
        return nil
    } catch { return error }
}

/// Counts deinits of objects that Swift frames or Lua functions own.
final class DeinitCounter: @unchecked Sendable {
    var count = 0
}

final class Tracked {
    let counter: DeinitCounter
    init(_ counter: DeinitCounter) { self.counter = counter }
    deinit { counter.count += 1 }
}
