/// Swift functions called from Lua: registration, arguments, errors, ownership.
import JSON
import LuaHost
import Testing

/// An error that raises a table with a `__tostring`, as Box errors do.
struct TableError: LuaRaisable {
    let status: Int64
    func pushLuaError(onto stack: LuaStack) {
        try? stack.pushValue(["status": .integer(status), "code": "not_found"])
        stack.newTable()
        stack.pushFunction(named: "__tostring") { call in
            call.stack.rawGet(at: 1, key: "status")
            let status = call.stack.pullInteger(at: -1) ?? 0
            call.stack.pushString("box: \(status) not_found")
            return .results(1)
        }
        stack.rawSet(at: -2, key: "__tostring")
        stack.setMetatable(at: -2)
    }
}

@Suite struct FunctionTests {
    let state = LuaState()

    @Test func registeredFunctionsReceiveArgumentsAndReturnResults() throws {
        try state.register("add", in: "math2") { call in
            try call.returning(.integer(try call.integer(1) + call.integer(2)))
        }
        try state.register("greet", in: "box.users") { call in
            try call.returning(.string("hi " + (try call.string(1))), .integer(Int64(call.argumentCount)))
        }
        #expect(try evaluate(state, "math2.add(2, 3)") == 5)
        #expect(try evaluate(state, "{box.users.greet('ada', nil, 3)}") == ["hi ada", 3])
        #expect(try evaluate(state, "box.users.greet(42)") == "hi 42")
    }

    @Test func registeringIntoANonTableFails() throws {
        try state.run("box = 'text'")
        #expect(throws: LuaError.self) { try state.register("f", in: "box.users") { _ in .none } }
    }

    @Test func argumentErrorsReadLikeLuas() throws {
        try state.register("delete", in: "users") { call in
            _ = try call.string(1)
            return .none
        }
        try state.register("update", in: "users") { call in
            try call.table(2)
            return .none
        }
        let first = failure(state, "users.delete()")
        #expect(first?.message == "test:1: bad argument #1 to 'delete' (string expected, got no value)")
        let nilArg = failure(state, "users.delete(nil)")
        #expect(nilArg?.message == "test:1: bad argument #1 to 'delete' (string expected, got nil)")
        let second = failure(state, "users.update('1', 'x')")
        #expect(second?.message == "test:1: bad argument #2 to 'update' (table expected, got string)")
        #expect(
            try evaluate(state, "select(2, pcall(users.delete, {}))")
                == "bad argument #1 to 'delete' (string expected, got table)")
    }

    @Test func conversionErrorsNameTheArgument() throws {
        try state.register("send", in: nil) { call in
            _ = try call.json(1)
            return .none
        }
        let error = failure(state, "send({1, x=2})")
        #expect(
            error?.message
                == "test:1: bad argument #1 to 'send' (table mixes array items and fields (key 1 and key 'x'))")
    }

    @Test func swiftThrowBecomesCatchableErrorAndReleasesTheFrame() throws {
        let counter = DeinitCounter()
        try state.register("fail", in: nil) { _ in
            let frameObject = Tracked(counter)
            _ = frameObject
            throw LuaMessage("boom")
        }
        // Called by pcall itself there is no Lua caller to name, as with luaL_error.
        #expect(try evaluate(state, "{pcall(fail)}") == [false, "boom"])
        #expect(counter.count == 1)
        #expect(try evaluate(state, "{pcall(function() fail() end)}") == [false, "test:1: boom"])
        #expect(counter.count == 2)
        // The state is still fine: more Swift and Lua work afterwards.
        #expect(try evaluate(state, "select('#', pcall(fail))") == 2)
    }

    @Test func raisableErrorsRaiseTheirTableWithMetatable() throws {
        try state.register("fetch", in: nil) { _ in throw TableError(status: 404) }
        #expect(try evaluate(state, "select(2, pcall(fetch)).status") == 404)
        #expect(try evaluate(state, "tostring(select(2, pcall(fetch)))") == "box: 404 not_found")
        let error = failure(state, "fetch()")
        #expect(error?.message == "box: 404 not_found")
        #expect(error?.data?["status"] == 404)
        #expect(error?.value != nil)
    }

    @Test func luaErrorsThrownAgainFromSwiftKeepTheirValue() throws {
        try state.register("callback", in: nil) { call in
            call.stack.pushCopy(of: 1)
            try call.stack.call(arguments: 0, results: 0)
            return .none
        }
        #expect(try evaluate(state, "select(2, pcall(callback, function() error({code=7}) end)).code") == 7)
        #expect(
            try evaluate(state, "select(2, pcall(callback, function() error('inner') end))")
                == "test:1: inner")
    }

    @Test func anonymousClosuresOwnTheirContextUntilCollected() throws {
        let counter = DeinitCounter()
        do {
            let owned = Tracked(counter)
            state.stack.pushGlobals()
            state.stack.pushFunction(named: "probe") { call in
                _ = owned
                return try call.returning("alive")
            }
            state.stack.rawSet(at: -2, key: "probe")
            state.stack.pop()
        }
        #expect(try evaluate(state, "probe()") == "alive")
        try state.run("collectgarbage(); collectgarbage()")
        #expect(counter.count == 0)
        try state.run("probe = nil; collectgarbage(); collectgarbage()")
        #expect(counter.count == 1)
    }

    @Test func closingTheStateReleasesEveryContext() throws {
        let counter = DeinitCounter()
        let other = LuaState()
        let owned = Tracked(counter)
        try other.register("keep", in: nil) { _ in
            _ = owned
            return .none
        }
        _ = consume owned
        #expect(counter.count == 0)
        other.close()
        #expect(counter.count == 1)
    }

    @Test func yieldingOutsideACoroutineIsAnErrorNotACrash() throws {
        try state.register("wait", in: nil) { call in
            .yield(0)
        }
        let error = failure(state, "wait()")
        #expect(error?.message == "test:1: attempt to yield from outside a coroutine")
    }

    @Test func referencesKeepValuesAlive() throws {
        try state.run("t = {n = 5}", results: 0)
        state.stack.pushGlobals()
        state.stack.rawGet(at: -1, key: "t")
        let reference = state.stack.reference(at: -1)
        state.stack.pop(2)
        try state.run("t = nil; collectgarbage()")
        reference.push(onto: state.stack)
        #expect(try state.stack.pullValue(at: -1) == ["n": 5])
        state.stack.pop()
    }

    @Test func metatablesByNameAndProtectedAccess() throws {
        #expect(state.stack.pushMetatable(named: "test.thing", createIfMissing: true))
        state.stack.pop()
        #expect(!state.stack.pushMetatable(named: "test.thing", createIfMissing: true))
        state.stack.pop()
        state.stack.newTable()
        state.stack.setMetatable(named: "test.thing", at: -1)
        #expect(state.stack.hasMetatable(named: "test.thing", at: -1))
        state.stack.pop()
        try state.run("guarded = setmetatable({}, {__index = function(_, k) error('no field ' .. k) end})")
        state.stack.pushGlobals()
        state.stack.rawGet(at: -1, key: "guarded")
        #expect(state.stack.rawGet(at: -1, key: "x") == .nil)
        state.stack.pop()
        #expect(throws: LuaError.self) { try state.stack.getField(at: -1, key: "x") }
        state.stack.pop(2)
        #expect(state.stack.top == 0)
    }
}
