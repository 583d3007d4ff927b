/// Coroutines that yield from Swift functions and a Swift loop that resumes them.
import LuaHost
import Testing

@Suite struct CoroutineTests {
    let state = LuaState()

    /// A Swift scheduler in miniature: `fetch(n)` yields until the loop answers.
    final class Scheduler {
        var waiting: [(thread: OpaquePointer, request: Int64)] = []
    }

    func installFetch(_ scheduler: Scheduler) throws {
        try state.register("fetch", in: "host") { call in
            if call.stage == 0 {
                guard call.isYieldable else { throw LuaMessage("fetch needs a coroutine") }
                scheduler.waiting.append((call.stack.L, try call.integer(1)))
                call.stack.top = 0
                return .yield(0)
            }
            return .results(call.stack.top)  // the values the scheduler resumed with
        }
    }

    func makeCoroutine(_ source: String) throws -> LuaCoroutine {
        try state.load(source, chunkName: "=worker")
        try state.call(results: 1)
        return LuaCoroutine(state: state)
    }

    @Test func swiftLoopResumesYieldedCoroutinesInChosenOrder() throws {
        let scheduler = Scheduler()
        try installFetch(scheduler)
        try state.run("log = {}")
        let worker = """
            return function(n)
              local ok, v = pcall(host.fetch, n)   -- yields through pcall
              log[#log + 1] = n .. '=' .. v
              return v * 10, 'done'
            end
            """
        var coroutines: [LuaCoroutine] = []
        for n in 1...3 {
            let co = try makeCoroutine(worker)
            guard case .yielded(0) = try co.resume([.integer(Int64(n))]) else {
                Issue.record("coroutine \(n) did not yield")
                return
            }
            coroutines.append(co)
        }
        #expect(scheduler.waiting.map(\.request) == [1, 2, 3])
        for index in [2, 0, 1] {
            let co = coroutines[index]
            #expect(scheduler.waiting[index].thread == co.stack.L)
            let answer = Int64(index + 1) * 100
            guard case .finished(2) = try co.resume([.integer(answer)]) else {
                Issue.record("coroutine \(index) did not finish")
                return
            }
            #expect(try co.values() == [.integer(answer * 10), "done"])
            #expect(!co.isAlive)
        }
        #expect(try evaluate(state, "log") == ["3=300", "1=100", "2=200"])
    }

    @Test func yieldedValuesReachTheScheduler() throws {
        try state.register("ask", in: nil) { call in
            // Yielding every argument leaves only the resume values on the stack.
            if call.stage == 0 { return .yield(call.argumentCount) }
            return .results(call.stack.top)
        }
        let co = try makeCoroutine("return function() local a, b = ask('q', 2); return a + b end")
        guard case .yielded(2) = try co.resume() else {
            Issue.record("no yield")
            return
        }
        #expect(try co.values() == ["q", 2])
        guard case .finished(1) = try co.resume([5, 6]) else {
            Issue.record("no finish")
            return
        }
        #expect(try co.values() == [11])
    }

    @Test func failuresCarryMessageTracebackAndValue() throws {
        let scheduler = Scheduler()
        try installFetch(scheduler)
        let co = try makeCoroutine(
            "return function() local v = host.fetch(1); error({code = v}) end")
        _ = try co.resume()
        guard case .failed(let error) = try co.resume([.integer(429)]) else {
            Issue.record("no failure")
            return
        }
        #expect(error.data == ["code": 429])
        #expect(error.message == "(error object is a table value)")
        #expect(error.traceback?.contains("worker:1") == true)
        #expect(!co.isAlive)
        guard case .failed(let dead) = try co.resume() else {
            Issue.record("dead coroutine resumed")
            return
        }
        #expect(dead.message == "cannot resume dead coroutine")
    }

    @Test func stringErrorsInCoroutinesNameTheLine() throws {
        let co = try makeCoroutine("return function()\n  local x = nil\n  return x.field\nend")
        guard case .failed(let error) = try co.resume() else {
            Issue.record("no failure")
            return
        }
        #expect(error.message == "worker:3: attempt to index a nil value (local 'x')")
    }

    @Test func luaCoroutinesCanYieldFromSwiftToo() throws {
        try state.register("pause", in: nil) { call in
            call.stage == 0 ? .yield(0) : .results(call.stack.top)
        }
        #expect(
            try evaluate(
                state,
                "(function() local co = coroutine.wrap(function() return pause() * 2 end); co(); return co(21) end)()"
            ) == 42)
    }

    @Test func swiftFunctionsInCoroutinesCallBackIntoLuaOnTheirOwnThread() throws {
        let scheduler = Scheduler()
        try installFetch(scheduler)
        try state.register("apply", in: nil) { call in
            call.stack.pushCopy(of: 1)
            call.stack.pushCopy(of: 2)
            let count = try call.stack.call(arguments: 1, results: 1)
            return .results(Int32(count))
        }
        // Inside the callback a yield would cross a C call: refused cleanly, not a crash.
        let co = try makeCoroutine(
            "return function() return apply(function(x) return x * 2 end, 21), pcall(apply, host.fetch, 1) end")
        guard case .finished(3) = try co.resume() else {
            Issue.record("did not finish")
            return
        }
        let values = try co.values()
        #expect(values[0] == 42)
        #expect(values[1] == false)
        #expect(values[2].stringValue?.contains("fetch needs a coroutine") == true)
        #expect(scheduler.waiting.isEmpty)
    }
}
