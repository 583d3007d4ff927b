/// The lexical half of JSON (RFC 8259): white space, literals, strings and numbers.
///
/// One scanner for the two readers that build different things from the same text: the
/// tree parser here (`JSON.parse`) and LuaHost's reader that pushes a reply straight onto a
/// Lua stack. Each walks objects and arrays its own way; neither scans a token itself.
/// `@inlinable` so the Lua reader, in another module, gets these loops specialised and
/// inlined: it decodes every listing page.
public struct JSONLexer {
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The index of the next byte to read.
    public var position = 0

    @inlinable public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// A string token: the bytes between its quotes, as they stand in the text.
    public struct StringToken {
        public let raw: Range<Int>
        /// True when it holds a `\` escape: its text is then `decoded(_:)`, not `raw`.
        public let escaped: Bool

        @inlinable init(raw: Range<Int>, escaped: Bool) {
            self.raw = raw
            self.escaped = escaped
        }
    }

    @inlinable public var atEnd: Bool { position >= bytes.count }

    /// The next byte, or 0 at the end (no JSON token starts with 0).
    @inlinable public var next: UInt8 { position < bytes.count ? bytes[position] : 0 }

    @inlinable public func fail(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }

    @inlinable public mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Steps over `byte` if it is next (after white space); false otherwise.
    @inlinable public mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard next == byte else { return false }
        position += 1
        return true
    }

    /// After a member or an element: true at `,`, false at `close`, else an error.
    @inlinable public mutating func separator(close: UInt8) throws(JSONParseError) -> Bool {
        skipSpace()
        guard position < bytes.count else { throw fail("unexpected end of input") }
        let c = bytes[position]
        position += 1
        if c == UInt8(ascii: ",") { return true }
        if c == close { return false }
        position -= 1
        throw fail(close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
    }

    /// An object key and its `:`.
    @inlinable public mutating func key() throws(JSONParseError) -> StringToken {
        skipSpace()
        guard next == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        let token = try string()
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        position += 1
        skipSpace()
        return token
    }

    @inlinable public mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw fail("unexpected end of input") }
        let w = word.utf8Start
        for k in 0..<n where bytes[position + k] != w[k] { throw fail("invalid literal") }
        position += n
    }

    /// The string starting at the `"` at `position`. Control characters are refused here;
    /// escapes are checked when decoded.
    @inlinable public mutating func string() throws(JSONParseError) -> StringToken {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            // Eight bytes at a time while none of them is a quote, a backslash or a control
            // character: most of a Box reply's bytes are inside strings.
            while position &+ 8 <= bytes.count, !Self.mayEndString(bytes, at: position) { position &+= 8 }
            guard position < bytes.count else { break }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return StringToken(raw: start..<(position - 1), escaped: escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                position += 1
            } else if c < 0x20 {
                throw fail("control character in string")
            }
            position += 1
        }
        throw fail("unterminated string")
    }

    /// True when one of the 8 bytes at `offset` is `"`, `\\` or below 0x20 (the classic
    /// "has a zero byte" and "has a byte less than n" word tests; exact as a whole).
    @inlinable static func mayEndString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        let w = UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (w &- ones &* 0x20) & ~w
        return (hasQuote | hasBackslash | hasControl) & highs != 0
    }

    /// A number: an integer that fits 64 bits, else a double (fraction, exponent or too big).
    public enum Number: Equatable {
        case int(Int64)
        case double(Double)
    }

    @inlinable public mutating func number() throws(JSONParseError) -> Number {
        let start = position
        let negative = next == UInt8(ascii: "-")
        if negative { position += 1 }
        let digitsStart = position
        var value: Int64 = 0
        while position < bytes.count, bytes[position] &- 0x30 < 10 {
            value = value &* 10 &+ Int64(bytes[position] &- 0x30)
            position += 1
        }
        let digits = position - digitsStart
        guard digits > 0 else { throw fail(negative ? "invalid number" : "unexpected character") }
        if digits > 1 && bytes[digitsStart] == 0x30 {
            // A leading zero stands alone: "01" is the number 0 followed by stray data.
            position = digitsStart + 1
            value = 0
        }
        let next = self.next
        let isInteger = next != UInt8(ascii: ".") && next != UInt8(ascii: "e") && next != UInt8(ascii: "E")
        // Up to 18 digits cannot overflow.
        if isInteger && position - digitsStart <= 18 { return .int(negative ? -value : value) }
        return try numberText(from: start, integer: isInteger)
    }

    /// The rare forms: a fraction, an exponent, or more than 18 digits.
    @usableFromInline mutating func numberText(from start: Int, integer: Bool) throws(JSONParseError) -> Number {
        if !integer {
            if next == UInt8(ascii: ".") {
                position += 1
                guard next &- 0x30 < 10 else { throw fail("invalid number") }
                while next &- 0x30 < 10 { position += 1 }
            }
            if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                position += 1
                if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { position += 1 }
                guard next &- 0x30 < 10 else { throw fail("invalid number") }
                while next &- 0x30 < 10 { position += 1 }
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if integer, let v = Int64(text) { return .int(v) }
        guard let d = Double(text) else { throw fail("invalid number") }
        return .double(d)
    }

    /// The text of a string token: its bytes, or with its escapes decoded (`\u` surrogate
    /// pairs joined; a lone surrogate becomes U+FFFD).
    public func decoded(_ token: StringToken) throws(JSONParseError) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[token.raw])
        guard token.escaped else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = token.raw.lowerBound
        func fail(_ m: String) -> JSONParseError { JSONParseError(message: m, offset: i) }
        func hex4() throws(JSONParseError) -> UInt32 {
            guard i + 4 <= token.raw.upperBound else { throw fail("invalid \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                v <<= 4
                switch c {
                case 0x30...0x39: v |= UInt32(c - 0x30)
                case 0x41...0x46: v |= UInt32(c - 0x41 + 10)
                case 0x61...0x66: v |= UInt32(c - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
                i += 1
            }
            return v
        }
        while i < token.raw.upperBound {
            let c = bytes[i]
            i += 1
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                continue
            }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by a low one.
                    if i + 1 < token.raw.upperBound, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw fail("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default:
                i -= 1
                throw fail("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
