/// JSON text decoded straight onto a Lua stack: no Swift tree, no Swift strings for plain
/// values. A page of a thousand Box users went from 14 ms (parse to `JSON`, then push) to a
/// few; listings are what boxlua spends its time on.
///
/// Same rules as ``LuaStack/pushJSON(_:)``: null is skipped in objects and is the null
/// sentinel in arrays, integers stay integers, an empty object gets the empty-object marker.
/// The tokens come from the JSON module's ``JSONLexer``, as the tree parser's do.
import CLua
import JSON

extension LuaStack {
    /// Pushes the one JSON value `text` holds.
    public func pushJSON(text: UnsafeBufferPointer<UInt8>) throws(LuaConversionError) {
        let before = top
        var reader = JSONTextReader(lexer: JSONLexer(text), stack: self)
        do throws(JSONParseError) {
            reader.lexer.skipSpace()
            if try !reader.value(depth: 0) { pushNil() }
            reader.lexer.skipSpace()
            guard reader.lexer.atEnd else { throw reader.lexer.fail("unexpected data after the value") }
        } catch {
            top = before
            throw LuaConversionError(error.description)
        }
    }
}

private struct JSONTextReader {
    var lexer: JSONLexer
    let stack: LuaStack

    /// Pushes the value at the lexer's position; false (nothing pushed) for null.
    mutating func value(depth: Int) throws(JSONParseError) -> Bool {
        guard !lexer.atEnd else { throw lexer.fail("unexpected end of input") }
        switch lexer.next {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): try push(lexer.string())
        case UInt8(ascii: "t"): try lexer.literal("true"); stack.pushBoolean(true)
        case UInt8(ascii: "f"): try lexer.literal("false"); stack.pushBoolean(false)
        case UInt8(ascii: "n"): try lexer.literal("null"); return false
        default:
            switch try lexer.number() {
            case .int(let v): stack.pushInteger(v)
            case .double(let d): stack.pushNumber(d)
            }
        }
        return true
    }

    func enter(_ depth: Int) throws(JSONParseError) {
        guard depth < LuaConversion.maxDepth, stack.reserve(4) else {
            throw lexer.fail("value nested more than \(LuaConversion.maxDepth) deep")
        }
    }

    mutating func object(depth: Int) throws(JSONParseError) {
        try enter(depth)
        lexer.position += 1
        // Sized for a Box user's standard fields: growing a table key by key rehashes it
        // five times on the way to seventeen.
        stack.newTable(fieldCount: 16)
        var stored = 0
        if !lexer.take(UInt8(ascii: "}")) {
            repeat {
                try push(lexer.key())
                if try value(depth: depth) {
                    lua_rawset(stack.L, -3)
                    stored += 1
                } else {
                    stack.pop()  // the key of a null field
                }
            } while try lexer.separator(close: UInt8(ascii: "}"))
        }
        if stored == 0 { stack.setMetatable(named: LuaSentinel.emptyObjectMetatable, at: -1) }
    }

    mutating func array(depth: Int) throws(JSONParseError) {
        try enter(depth)
        lexer.position += 1
        stack.newTable()
        if lexer.take(UInt8(ascii: "]")) { return }
        var n: Int64 = 0
        repeat {
            lexer.skipSpace()
            if try !value(depth: depth) { stack.pushNull() }
            n += 1
            stack.rawSet(at: -2, index: n)
        } while try lexer.separator(close: UInt8(ascii: "]"))
    }

    /// Pushes a string: its bytes as they stand when it has no escape.
    func push(_ token: JSONLexer.StringToken) throws(JSONParseError) {
        if token.escaped {
            stack.pushString(try lexer.decoded(token))
        } else {
            let body = UnsafeBufferPointer(rebasing: lexer.bytes[token.raw])
            body.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(stack.L, $0.baseAddress, $0.count) }
        }
    }
}
