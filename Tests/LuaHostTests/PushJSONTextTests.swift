import Testing
import JSON
@testable import LuaHost

@Suite struct PushJSONText {
    /// Decoding text straight onto the stack gives what parsing to JSON and pushing gives.
    @Test(arguments: [
        #"{"type":"user","id":"42","n":100,"f":1.5,"big":5368709120,"neg":-7,"t":true,"x":false,"z":null}"#,
        #"[1,null,"a",[],{},{"k":[{"deep":["x"]}]}]"#,
        #"{"esc":"a\"b\\c\n\u00e9\ud83d\ude00","slash":"http:\/\/x","huge":92233720368547758070,"exp":1e3,"zero":0}"#,
        #"{"k\u00e9y":1,"a\"b":[-0.5e-3,1E+2,-12345678901234567890]}"#, #"[0,-0,{"":""}]"#,
        #"  "plain string"  "#, "123456789012345678", "1234567890123456789", "-0", "0.0", "[]", "{}",
    ])
    func sameAsTheTreePath(_ text: String) throws {
        let state = LuaState()
        defer { state.close() }
        let s = state.stack
        try s.pushJSON(try JSON.parse(text))
        let viaTree = try s.pullValue(at: -1)
        s.pop()
        var copy = text
        try copy.withUTF8 { try s.pushJSON(text: $0) }
        let direct = try s.pullValue(at: -1)
        #expect(direct == viaTree)
        #expect(s.top == 1)
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a"}"#, "tru", "01", "1.", "[1] x", #""\x""#, #"{"a":1,}"#, "\"open",
        "-", "0 .5", "[01]", "-a", #""\u12""#, #""a\qb""#, "\"tab\there\"", "[1 2]", #"{"a" 1}"#, "nul",
    ])
    func rejectsWhatTheParserRejects(_ text: String) {
        let state = LuaState()
        defer { state.close() }
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
        var copy = text
        #expect(throws: LuaConversionError.self) { try copy.withUTF8 { try state.stack.pushJSON(text: $0) } }
        #expect(state.stack.top == 0)
    }
}
