/// A strict RFC 8259 parser over bytes.
///
/// Numbers without a fraction or exponent that fit in 64 bits become `.int`; the rest
/// `.double`. Nesting is capped so hostile input cannot exhaust the stack.
public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let offset: Int
    public var description: String { "invalid JSON at byte \(offset): \(message)" }

    @inlinable public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
}

extension JSON {
    public static let maxDepth = 512

    /// Parses `text`; throws `JSONParseError`.
    public static func parse(_ text: String) throws -> JSON {
        var copy = text
        return try copy.withUTF8 { buf in try parse(bytes: buf) }
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSON {
        try bytes.withUnsafeBufferPointer { buf in try parse(bytes: buf) }
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws -> JSON {
        var p = JSONByteParser(bytes)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i != p.b.count { throw p.fail("unexpected data after the value") }
        return v
    }
}

/// Builds the tree; the tokens come from ``JSONLexer``.
struct JSONByteParser {
    var lexer: JSONLexer

    init(_ b: UnsafeBufferPointer<UInt8>) { lexer = JSONLexer(b) }

    var b: UnsafeBufferPointer<UInt8> { lexer.bytes }
    var i: Int {
        get { lexer.position }
        set { lexer.position = newValue }
    }

    func fail(_ m: String) -> JSONParseError { lexer.fail(m) }

    mutating func skipSpace() { lexer.skipSpace() }

    mutating func value(depth: Int) throws(JSONParseError) -> JSON {
        guard !lexer.atEnd else { throw fail("unexpected end of input") }
        switch lexer.next {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try lexer.literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try lexer.literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try lexer.literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try lexer.number() {
            case .int(let v): return .int(v)
            case .double(let d): return .double(d)
            }
        default: throw fail("unexpected character '\(Unicode.Scalar(lexer.next))'")
        }
    }

    mutating func string() throws(JSONParseError) -> String {
        try lexer.decoded(try lexer.string())
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSON {
        if depth > JSON.maxDepth { throw fail("nesting deeper than \(JSON.maxDepth)") }
        i += 1
        var o = JSONObject()
        if lexer.take(UInt8(ascii: "}")) { return .object(o) }
        repeat {
            let k = try lexer.decoded(try lexer.key())
            o[k] = try value(depth: depth)
        } while try lexer.separator(close: UInt8(ascii: "}"))
        return .object(o)
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSON {
        if depth > JSON.maxDepth { throw fail("nesting deeper than \(JSON.maxDepth)") }
        i += 1
        var a: [JSON] = []
        if lexer.take(UInt8(ascii: "]")) { return .array(a) }
        repeat {
            skipSpace()
            a.append(try value(depth: depth))
        } while try lexer.separator(close: UInt8(ascii: "]"))
        return .array(a)
    }
}

extension JSON {
    /// The top-level fields named in `keys` of the object `bytes` holds, and how many
    /// elements the array field `counting` has, without building the rest: a listing page's
    /// paging fields are read this way while its entries go straight to Lua.
    public static func topLevelFields(
        of bytes: UnsafeBufferPointer<UInt8>, keys: Set<String>, counting: String
    ) throws -> (fields: JSONObject, count: Int) {
        var p = JSONByteParser(bytes)
        var fields = JSONObject()
        var count = 0
        p.skipSpace()
        guard p.lexer.next == UInt8(ascii: "{") else { throw p.fail("expected an object") }
        p.i += 1
        if p.lexer.take(UInt8(ascii: "}")) { return (fields, 0) }
        repeat {
            let key = try p.lexer.decoded(try p.lexer.key())
            if keys.contains(key) {
                fields[key] = try p.value(depth: 1)
            } else {
                let n = try p.skip()
                if key == counting { count = n }
            }
        } while try p.lexer.separator(close: UInt8(ascii: "}"))
        return (fields, count)
    }
}

extension JSONByteParser {
    /// Steps over one value without building it; for an array, returns its element count.
    mutating func skip() throws(JSONParseError) -> Int {
        guard i < b.count else { throw fail("unexpected end of input") }
        let c = b[i]
        if c == UInt8(ascii: "\"") {
            _ = try lexer.string()
            return 0
        }
        guard c == UInt8(ascii: "[") || c == UInt8(ascii: "{") else {
            while i < b.count,
                ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(b[i])
            { i += 1 }
            return 0
        }
        var depth = 0
        var elements = 0
        var empty = true
        while i < b.count {
            let x = b[i]
            switch x {
            case UInt8(ascii: "\""):
                _ = try lexer.string()
                empty = false
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if depth == 1 { empty = false }
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 {
                    i += 1
                    return c == UInt8(ascii: "[") && !empty ? elements + 1 : 0
                }
            case UInt8(ascii: ","):
                if depth == 1 { elements += 1 }
            case 0x20, 0x0A, 0x0D, 0x09: break
            default:
                if depth == 1 { empty = false }
            }
            i += 1
        }
        throw fail("unexpected end of input")
    }
}
