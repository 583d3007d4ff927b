import Testing
@testable import JSON

@Suite struct JSONParsing {
    @Test func integersStayIntegers() throws {
        #expect(try JSON.parse("100") == .int(100))
        #expect(try JSON.parse("-7") == .int(-7))
        #expect(try JSON.parse("5368709120") == .int(5_368_709_120))
        #expect(try JSON.parse("1.0") == .double(1.0))
        #expect(try JSON.parse("1e3") == .double(1000))
        // Past Int64: a double, not a crash.
        #expect(try JSON.parse("92233720368547758070") == .double(9.223372036854775807e19))
    }

    @Test func objectsKeepKeyOrder() throws {
        let v = try JSON.parse(#"{"z":1,"a":[true,false,null],"m":{"k":"v"}}"#)
        #expect(v.objectValue?.keys == ["z", "a", "m"])
        #expect(v["a"] == [true, false, nil])
        #expect(v.serialized() == #"{"z":1,"a":[true,false,null],"m":{"k":"v"}}"#)
    }

    @Test func stringEscapesRoundTrip() throws {
        let v = try JSON.parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00\u0000""#)
        #expect(v == .string("a\"b\\c/d\né😀\u{0}"))
        #expect(try JSON.parse(v.serialized()) == v)
    }

    /// Strings are scanned eight bytes at a time: a quote, escape or control character at
    /// every offset of a word, after every length of plain text (ASCII and UTF-8).
    @Test func stringsEndWhereTheirQuoteIsAtEveryOffset() throws {
        for filler in ["a", "é"] {
            for n in 0..<20 {
                let plain = String(repeating: filler, count: n)
                #expect(try JSON.parse("[\"\(plain)\",1]") == [.string(plain), 1])
                #expect(try JSON.parse("\"\(plain)\\n\(plain)\"") == .string(plain + "\n" + plain))
                #expect(try JSON.parse("\"\(plain)\\\"x\"") == .string(plain + "\"x"))
                #expect(throws: JSONParseError.self) { try JSON.parse("\"\(plain)\u{1F}\(plain)\"") }
                #expect(throws: JSONParseError.self) { try JSON.parse("\"\(plain)") }
            }
        }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\"}", "tru", "01", "1.", "\"\u{01}\"", "[1] x", "\"\\x\"", "{\"a\":1,}"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
    }

    @Test func prettyAndSorted() {
        let v: JSON = ["b": 1, "a": ["x": 2.5]]
        #expect(v.serialized(sortedKeys: true) == #"{"a":{"x":2.5},"b":1}"#)
        #expect(v.serialized(pretty: true) == "{\n  \"b\": 1,\n  \"a\": {\n    \"x\": 2.5\n  }\n}")
    }

    @Test func objectRemoval() {
        var o = JSONObject([("a", 1), ("b", 2)])
        o["a"] = nil
        #expect(o.keys == ["b"])
        o["a"] = 3
        #expect(o.keys == ["b", "a"])
    }
}

@Suite struct TopLevelFields {
    func scan(_ text: String) throws -> (JSONObject, Int) {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer {
            try JSON.topLevelFields(of: $0, keys: ["next_marker", "limit"], counting: "entries")
        }
    }

    @Test func readsOnlyTheNamedFieldsAndCountsEntries() throws {
        let (f, n) = try scan(
            #"{"entries":[{"a":"x,]}\"","b":[1,2,{"c":"}"}]},{"d":null},3,"s",[]],"limit":1000,"next_marker":"m1","other":{"x":[1,2]}}"#
        )
        #expect(n == 5)
        #expect(f["limit"] == 1000 && f["next_marker"] == "m1")
        #expect(f["other"] == nil && f["entries"] == nil)
        #expect(try scan(#"{"entries":[],"limit":5}"#).1 == 0)
        #expect(try scan(#" { } "#).1 == 0)
        #expect(try scan(#"{"entries":[ 7 ],"next_marker":null}"#).0["next_marker"] == .null)
    }

    @Test(arguments: [#"["#, #"{"entries":[1,2"#, #"{"limit""#, #"[1]"#, #"{"a":"open}"#])
    func rejectsBrokenText(_ text: String) {
        #expect(throws: JSONParseError.self) { try scan(text) }
    }
}

@Suite struct Columns {
    /// The picked values as strings ("-" for missing), column by column.
    func pick(_ text: String, _ paths: [[String]]) throws -> (Int, [[String]]) {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buf in
            let (count, columns) = try JSON.columns(of: buf, arrayField: "entries", paths: paths)
            let shown = columns.map { column in
                column.map { value -> String in
                    switch value {
                    case .missing: return "-"
                    case .text(let r): return String(decoding: UnsafeBufferPointer(rebasing: buf[r]), as: UTF8.self)
                    case .decoded(let s): return s
                    }
                }
            }
            return (count, shown)
        }
    }

    @Test func picksNestedFieldsOfEveryEntry() throws {
        let text = #"""
            {"chunk_size":4,"next_stream_position":"1152921504606846980","entries":[
              {"source":{"type":"user","id":"7"},"created_by":{"type":"user","id":"7","login":"a@x"},
               "created_at":"2026-12-01T10:00:00-08:00","additional_details":{"created_by":{"id":"no"}}},
              {"created_at":"2026-12-02T00:00:00Z","created_by":null,"source":{"id":"8"}},
              {"created_by":{"id":9},"created_at":"t\"3","extra":[{"id":"x"},"]}"]},
              42,
              {"created_by":{"i\u0064":"10"}}
            ],"next":{"entries":[{"created_at":"not these"}]}}
            """#
        let (count, columns) = try pick(text, [["created_by", "id"], ["source", "id"], ["created_at"]])
        #expect(count == 5)
        #expect(columns[0] == ["7", "-", "9", "-", "10"])
        #expect(columns[1] == ["7", "8", "-", "-", "-"])
        #expect(columns[2] == ["2026-12-01T10:00:00-08:00", "2026-12-02T00:00:00Z", "t\"3", "-", "-"])
    }

    /// A path that is the start of another: the object feeds the longer one, a string the shorter.
    @Test func aPathAndItsPrefix() throws {
        let (_, columns) = try pick(#"{"entries":[{"a":{"b":"1"}},{"a":"2"}]}"#, [["a"], ["a", "b"]])
        #expect(columns == [["-", "2"], ["1", "-"]])
    }

    @Test func emptyAndAbsentArrays() throws {
        #expect(try pick(#"{"entries":[]}"#, [["a"]]).0 == 0)
        #expect(try pick(#"{"other":[1,2]}"#, [["a"]]) == (0, [[]]))
        #expect(try pick(#" { } "#, [["a"], ["b", "c"]]).1 == [[], []])
    }

    @Test(arguments: [#"{"entries":[{"a":"x"}"#, #"{"entries":[{"a":}]}"#, "[]", #"{"entries":[{"a":"\x"}]}"#])
    func refusesWhatItScansThatIsNotJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try pick(text, [["a"]]) }
    }
}
