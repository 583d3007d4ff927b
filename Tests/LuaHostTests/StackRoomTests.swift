/// Pushing many values: every place that pushes a count it does not choose makes room
/// first (lua.c's luaL_checkstack) and raises Lua's "stack overflow" when the stack
/// cannot grow, never writing past the stack.
import JSON
import LuaHost
import Testing

@Suite struct StackRoomTests {
    let state = LuaState()

    /// More than Lua's stack can ever hold (LUAI_MAXSTACK is 1,000,000).
    static let pastLuasLimit = 1_000_001

    @Test func aSwiftFunctionReturnsThousandsOfValues() throws {
        try state.register("many") { call in
            let values = (1...Int64(try call.integer(1))).map(LuaValue.integer)
            return .results(try call.stack.pushValues(values))
        }
        #expect(try evaluate(state, "select('#', many(10000))") == 10000)
        #expect(try evaluate(state, "select(10000, many(10000))") == 10000)
        #expect(try evaluate(state, "(function(...) local t = {...} return t[1] + t[#t] end)(many(50000))") == 50001)
    }

    @Test func aSwiftFunctionReturningMoreThanLuaCanHoldRaisesStackOverflow() throws {
        try state.register("many") { call in
            let values = [LuaValue](repeating: .integer(7), count: Int(try call.integer(1)))
            return .results(try call.stack.pushValues(values))
        }
        let error = failure(state, "many(\(Self.pastLuasLimit))")
        #expect(error?.message == "test:1: stack overflow (too many values: \(Self.pastLuasLimit))")
        #expect(try evaluate(state, "select('#', many(3))") == 3)  // the state is still usable
    }

    @Test func aCoroutineIsResumedWithThousandsOfValuesAndYieldsThemBack() throws {
        try state.run(
            """
            return function(...)
              local got = select('#', ...)
              local again = table.pack(coroutine.yield(...))
              return got, again.n, again[again.n]
            end
            """, chunkName: "=worker", results: 1)
        let co = LuaCoroutine(state: state)
        let values = (1...20000).map { LuaValue.integer(Int64($0)) }
        guard case .yielded(let n) = try co.resume(values) else {
            Issue.record("expected a yield")
            return
        }
        #expect(n == 20000)
        let yielded = try co.values()
        #expect(yielded.count == 20000 && yielded.last == .integer(20000))
        guard case .finished(3) = try co.resume(values + values) else {
            Issue.record("expected the function to return")
            return
        }
        #expect(try co.values() == [.integer(20000), .integer(40000), .integer(20000)])
    }

    @Test func resumingWithMoreThanLuaCanHoldIsRefused() throws {
        try state.run("return function(...) return select('#', ...) end", chunkName: "=worker", results: 1)
        let co = LuaCoroutine(state: state)
        let values = [LuaValue](repeating: .boolean(true), count: Self.pastLuasLimit)
        #expect(throws: LuaConversionError.self) { _ = try co.resume(values) }
        guard case .finished(1) = try co.resume([.integer(1), .integer(2)]) else {
            Issue.record("expected the function to return")
            return
        }
        #expect(try co.values() == [.integer(2)])
    }

    @Test func aCallReturningAllItsResultsLeavesRoomToWorkWith() throws {
        // lua_pcall with LUA_MULTRET leaves no room above the results; the host must
        // make room (or fail) before it pushes anything else.
        try state.load("local t = {} for i = 1, 999982 do t[i] = i end return table.unpack(t)", chunkName: "=test")
        let error = #expect(throws: LuaError.self) { try state.call(results: nil) }
        #expect(error?.message == "stack overflow (too many results)")
        #expect(state.stack.top == 0)
        try state.load("return ...", chunkName: "=test")
        for i in 1...30000 { state.stack.pushInteger(Int64(i)) }
        #expect(try state.call(arguments: 30000, results: nil) == 30000)
        #expect(state.stack.reserve(20))
        state.stack.top = 0
    }

    @Test func deeplyNestedJSONIsAnErrorNotACrash() throws {
        let opens = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        let error = #expect(throws: LuaConversionError.self) {
            try opens.withUnsafeBufferPointer { try state.stack.pushJSON(text: $0) }
        }
        #expect(error?.description.contains("nested more than 512 deep") == true)
        #expect(state.stack.top == 0)
        let objects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: (any Error).self) { try JSON.parse(objects) }
        #expect(throws: LuaConversionError.self) {
            try Array(objects.utf8).withUnsafeBufferPointer { try state.stack.pushJSON(text: $0) }
        }
        // Nested as deep as allowed, inside a coroutine whose stack starts small.
        let deepest = String(repeating: "[", count: 511) + String(repeating: "]", count: 511)
        try state.register("decode") { call in
            let text = Array(try call.string(1).utf8)
            try text.withUnsafeBufferPointer { try call.stack.pushJSON(text: $0) }
            return .results(1)
        }
        state.stack.pushGlobals()
        try state.stack.pushValue(.string(deepest))
        state.stack.rawSet(at: -2, key: "s")
        state.stack.pop()
        #expect(try evaluate(state, "coroutine.wrap(function() return type(decode(s)) end)()") == "table")
    }
}
