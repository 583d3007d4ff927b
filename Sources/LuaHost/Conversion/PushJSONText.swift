/// JSON text decoded straight onto a Lua stack: no Swift tree, no Swift strings for plain
/// values. A page of a thousand Box users went from 14 ms (parse to `JSON`, then push) to a
/// few; listings are what boxlua spends its time on.
///
/// Same rules as ``LuaStack/pushJSON(_:)``: null is skipped in objects and is the null
/// sentinel in arrays, integers stay integers, an empty object gets the empty-object marker.
/// Rare forms (escaped strings, big or fractional numbers) go through the `JSON` parser.
import CLua
import JSON

extension LuaStack {
    /// Pushes the one JSON value `text` holds.
    public func pushJSON(text: UnsafeBufferPointer<UInt8>) throws(LuaConversionError) {
        let before = top
        var reader = JSONTextReader(bytes: text, stack: self)
        do throws(LuaConversionError) {
            reader.skipSpace()
            if try !reader.value(depth: 0) { pushNil() }
            reader.skipSpace()
            guard reader.i == text.count else { throw reader.fail("unexpected data after the value") }
        } catch {
            top = before
            throw error
        }
    }
}

private struct JSONTextReader {
    let b: UnsafeBufferPointer<UInt8>
    let stack: LuaStack
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>, stack: LuaStack) {
        b = bytes
        self.stack = stack
    }

    func fail(_ message: String) -> LuaConversionError {
        LuaConversionError("invalid JSON at byte \(i): \(message)")
    }

    mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// Pushes the value at `i`; false (nothing pushed) for null.
    mutating func value(depth: Int) throws(LuaConversionError) -> Bool {
        guard i < b.count else { throw fail("unexpected end of input") }
        switch b[i] {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true"); stack.pushBoolean(true)
        case UInt8(ascii: "f"): try literal("false"); stack.pushBoolean(false)
        case UInt8(ascii: "n"): try literal("null"); return false
        default: try number()
        }
        return true
    }

    mutating func literal(_ word: String) throws(LuaConversionError) {
        for c in word.utf8 {
            guard i < b.count, b[i] == c else { throw fail("invalid literal") }
            i += 1
        }
    }

    mutating func enter(_ depth: Int) throws(LuaConversionError) {
        guard depth < LuaConversion.maxDepth, stack.reserve(4) else {
            throw fail("value nested more than \(LuaConversion.maxDepth) deep")
        }
    }

    mutating func object(depth: Int) throws(LuaConversionError) {
        try enter(depth)
        i += 1
        // Sized for a Box user's standard fields: growing a table key by key rehashes it
        // five times on the way to seventeen.
        stack.newTable(fieldCount: 16)
        var stored = 0
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                try string()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                if try value(depth: depth) {
                    lua_rawset(stack.L, -3)
                    stored += 1
                } else {
                    stack.pop()  // the key of a null field
                }
                skipSpace()
                guard i < b.count else { throw fail("unexpected end of input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
        }
        if stored == 0 { stack.setMetatable(named: LuaSentinel.emptyObjectMetatable, at: -1) }
    }

    mutating func array(depth: Int) throws(LuaConversionError) {
        try enter(depth)
        i += 1
        stack.newTable()
        var n: Int64 = 0
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return }
        while true {
            skipSpace()
            if try !value(depth: depth) { stack.pushNull() }
            n += 1
            stack.rawSet(at: -2, index: n)
            skipSpace()
            guard i < b.count else { throw fail("unexpected end of input") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// Pushes the string at `i` (its bytes as they are when it has no escape).
    mutating func string() throws(LuaConversionError) {
        let start = i
        i += 1
        var escaped = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                escaped = true; i += 1
            } else if c < 0x20 {
                throw fail("control character in string")
            }
            i += 1
        }
        guard i < b.count else { throw fail("unterminated string") }
        i += 1
        if !escaped {
            let body = UnsafeBufferPointer(rebasing: b[(start + 1)..<(i - 1)])
            body.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(stack.L, $0.baseAddress, $0.count) }
        } else {
            try pushParsed(start..<i)
        }
    }

    mutating func number() throws(LuaConversionError) {
        let start = i
        var plain = true
        var value: Int64 = 0
        let negative = b[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let digitsStart = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            value = value &* 10 &+ Int64(b[i] - 0x30)
            i += 1
        }
        while i < b.count,
            [
                UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"),
                UInt8(ascii: "-"),
            ].contains(b[i]) || (b[i] >= 0x30 && b[i] <= 0x39)
        {
            plain = false
            i += 1
        }
        let digits = i - digitsStart
        guard digits > 0 else { throw fail("unexpected character") }
        // Up to 18 digits cannot overflow; a leading zero is JSON only alone.
        if plain, digits <= 18, !(digits > 1 && b[digitsStart] == 0x30) {
            stack.pushInteger(negative ? -value : value)
        } else {
            try pushParsed(start..<i)
        }
    }

    /// The rare forms, through the JSON parser (which also validates them).
    func pushParsed(_ range: Range<Int>) throws(LuaConversionError) {
        let parsed: JSON
        do { parsed = try JSON.parse(bytes: UnsafeBufferPointer(rebasing: b[range])) } catch {
            throw LuaConversionError("invalid JSON at byte \(range.lowerBound): \(error)")
        }
        try stack.pushJSON(parsed)
    }
}
