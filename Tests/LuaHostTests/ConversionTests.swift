/// Round trips between Lua and LuaValue / JSON, including every edge case of the rules.
import JSON
import LuaHost
import Testing

@Suite struct ConversionTests {
    let state = LuaState()

    /// Pushes `value`, reads it back.
    func roundTrip(_ value: LuaValue) throws -> LuaValue {
        try state.stack.pushValue(value)
        defer { state.stack.pop() }
        return try state.stack.pullValue(at: -1)
    }

    func roundTrip(_ json: JSON) throws -> JSON {
        try state.stack.pushJSON(json)
        defer { state.stack.pop() }
        return try state.stack.pullJSON(at: -1)
    }

    @Test func scalarsRoundTrip() throws {
        let values: [LuaValue] = [
            .nil, true, false, 0, -7, .integer(Int64.max), .integer(Int64.min), 3.5, "héllo", "",
        ]
        for v in values { #expect(try roundTrip(v) == v) }
        #expect(state.stack.top == 0)
    }

    @Test func integersAndFloatsStayApart() throws {
        #expect(try evaluate(state, "3") == .integer(3))
        #expect(try evaluate(state, "3.0") == .number(3.0))
        #expect(try evaluate(state, "2^53") == .number(9007199254740992))
        #expect(try roundTrip(.number(3.0)) == .number(3.0))
        try state.stack.pushValue(.number(3.0))
        #expect(try state.stack.tostring(at: -1) == "3.0")
        state.stack.pop()
        #expect(try roundTrip(JSON.double(100)) == .double(100))
        #expect(try roundTrip(JSON.int(100)) == .int(100))
        try state.stack.pushJSON(.int(5368709120))
        #expect(try state.stack.tostring(at: -1) == "5368709120")
        state.stack.pop()
    }

    @Test func stringsKeepEmbeddedZeros() throws {
        let s = "a\u{0}b\u{0}"
        #expect(try roundTrip(LuaValue.string(s)) == .string(s))
        #expect(try roundTrip(JSON.string(s)) == .string(s))
        state.stack.pushGlobals()
        try state.stack.pushValue(.string(s))
        state.stack.rawSet(at: -2, key: "zeros")
        state.stack.pop()
        #expect(try evaluate(state, "#zeros") == 4)
        #expect(try evaluate(state, "zeros == 'a\\0b\\0'") == true)
        #expect(try evaluate(state, "'a\\0b\\0'") == .string(s))
    }

    @Test func invalidUTF8BecomesBytesOrAJSONError() throws {
        #expect(try evaluate(state, "'\\255\\0x'") == .bytes([255, 0, 120]))
        #expect(try roundTrip(.bytes([255, 0, 120])) == .bytes([255, 0, 120]))
        try state.run("return '\\255'", results: 1)
        #expect(throws: LuaConversionError.self) { try state.stack.pullJSON(at: -1) }
        state.stack.pop()
    }

    @Test func numbersAreNotConvertedInPlace() throws {
        state.stack.pushInteger(42)
        #expect(state.stack.pullString(at: -1) == nil)
        #expect(state.stack.type(at: -1) == .number)
        state.stack.pop()
    }

    @Test func nestedTablesRoundTrip() throws {
        let v: LuaValue = [
            "name": "Ada", "tags": ["a", "b"], "boss": ["id": "7", "n": 1.5], "list": [[1, 2], [3]],
        ]
        #expect(try roundTrip(v) == v)
        let j: JSON = [
            "entries": [["id": "1", "status": "active"], ["id": "2", "x": [true, false]]],
            "total_count": 2,
        ]
        #expect(try roundTrip(j) == j)
    }

    @Test func arraysAndObjectsAreClassified() throws {
        #expect(try evaluate(state, "{10, 20, 30}") == [10, 20, 30])
        #expect(try evaluate(state, "{[1]='a', [2]='b'}") == ["a", "b"])
        #expect(try evaluate(state, "{a=1, ['b c']=2}") == ["a": 1, "b c": 2])
    }

    @Test func mixedKeysAreAnErrorNamingTheKeys() throws {
        try state.run("return {1, 2, name='x'}", results: 1)
        defer { state.stack.pop() }
        let error = #expect(throws: LuaConversionError.self) { try state.stack.pullValue(at: -1) }
        #expect(error?.description == "table mixes array items and fields (key 1 and key 'name')")
    }

    @Test func sparseArraysAreAnErrorNamingTheKey() throws {
        try state.run("return {users = {{id='1'}, {id='2', tags={[1]='a', [3]='c'}}}}", results: 1)
        defer { state.stack.pop() }
        let error = #expect(throws: LuaConversionError.self) { try state.stack.pullJSON(at: -1) }
        #expect(error?.description == "sparse array: key 3 is set but key 2 is nil at users[2].tags")
    }

    @Test func otherKeysAreAnError() throws {
        for code in ["{[1.5]=1}", "{[true]=1}", "{[0]='zero'}", "{[{}]=1}"] {
            try state.run("return " + code, results: 1)
            #expect(throws: LuaConversionError.self) { try state.stack.pullValue(at: -1) }
            state.stack.pop()
        }
    }

    @Test func emptyTableIsAnArrayUnlessMarked() throws {
        #expect(try evaluate(state, "{}") == .array([]))
        #expect(try roundTrip(JSON.array([])) == .array([]))
        #expect(try roundTrip(JSON.object(JSONObject())) == .object(JSONObject()))
        #expect(try roundTrip(LuaValue.object([:])) == .object([:]))
        state.stack.pushEmptyObject()
        #expect(try state.stack.pullJSON(at: -1) == .object(JSONObject()))
        #expect(state.stack.isMarkedObject(-1))
        state.stack.pop()
    }

    @Test func jsonNullReadsAsNilInObjectsAndAsSentinelInArrays() throws {
        let j: JSON = ["a": nil, "b": 1, "list": [1, nil, 3]]
        try state.stack.pushJSON(j)
        state.stack.rawGet(at: -1, key: "a")
        #expect(state.stack.type(at: -1) == .nil)
        state.stack.pop()
        state.stack.rawGet(at: -1, key: "list")
        #expect(state.stack.rawLength(at: -1) == 3)
        state.stack.rawGet(at: -1, index: 2)
        #expect(state.stack.isNull(-1))
        #expect(try state.stack.tostring(at: -1) == "null")
        state.stack.pop(2)
        #expect(try state.stack.pullJSON(at: -1) == ["b": 1, "list": [1, nil, 3]])
        state.stack.pop()
        #expect(try roundTrip(JSON.null) == .null)
        #expect(try roundTrip(LuaValue.array([.nil, .null])) == .array([.null, .null]))
    }

    @Test func objectsWithOnlyNullFieldsStayObjects() throws {
        #expect(try roundTrip(["gone": JSON.null] as JSON) == .object(JSONObject()))
    }

    @Test func cyclesAreRefusedNotOverflowed() throws {
        try state.run("local t = {name='loop'}; t.self = t; return t", results: 1)
        defer { state.stack.pop() }
        let error = #expect(throws: LuaConversionError.self) { try state.stack.pullJSON(at: -1) }
        #expect(error?.description == "table contains itself (a cycle) at self")
    }

    @Test func sharedTablesThatAreNotCyclesConvert() throws {
        #expect(try evaluate(state, "(function() local x = {1}; return {x, x} end)()") == [[1], [1]])
    }

    @Test func depthIsLimited() throws {
        try state.run(
            "local t = {}; local cur = t; for i = 1, 600 do cur[1] = {}; cur = cur[1] end; return t",
            results: 1)
        defer { state.stack.pop() }
        #expect(throws: LuaConversionError.self) { try state.stack.pullValue(at: -1) }
        var deep: JSON = 1
        for _ in 0..<600 { deep = .array([deep]) }
        let before = state.stack.top
        #expect(throws: LuaConversionError.self) { try state.stack.pushJSON(deep) }
        #expect(state.stack.top == before)
    }

    @Test func functionsAndNaNAreRefused() throws {
        try state.run("return {f = print}", results: 1)
        let error = #expect(throws: LuaConversionError.self) { try state.stack.pullValue(at: -1) }
        #expect(error?.description == "cannot convert a function value at f")
        state.stack.pop()
        try state.run("return 0/0", results: 1)
        #expect(throws: LuaConversionError.self) { try state.stack.pullJSON(at: -1) }
        state.stack.pop()
    }

    @Test func jsonKeysComeOutSorted() throws {
        try state.run("return {b=1, a=2, c={z=1, y=2}}", results: 1)
        defer { state.stack.pop() }
        #expect(try state.stack.pullJSON(at: -1).serialized() == #"{"a":2,"b":1,"c":{"y":2,"z":1}}"#)
    }

    @Test func metamethodsDoNotRunDuringConversion() throws {
        try state.run(
            "return setmetatable({a=1}, {__index=function() error('ran') end, __pairs=function() error('ran') end})",
            results: 1)
        defer { state.stack.pop() }
        #expect(try state.stack.pullValue(at: -1) == ["a": 1])
    }
}
