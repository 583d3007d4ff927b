/// A reader for the TOML subset boxlua's config file uses: tables, strings, integers, booleans,
/// and one-line arrays of strings (`protect = ["a", "b"]`).

/// A value in the config file.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case strings([String])

    /// The value as the text an environment variable would hold (an array: comma-separated).
    public var text: String {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .boolean(let b): return b ? "true" : "false"
        case .strings(let a): return a.joined(separator: ",")
        }
    }
}

/// A config-file problem, named by file and line.
public struct ConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The tables of a TOML file, keyed by their dotted names (`profiles.default`); keys
/// before any table header live under "".
public struct TOMLDocument: Sendable, Equatable {
    public var tables: [String: [String: TOMLValue]] = ["": [:]]

    /// Reads `text`; errors read `FILE:LINE: what is wrong`.
    public static func parse(_ text: String, file: String = "config.toml") throws(ConfigError) -> TOMLDocument {
        var doc = TOMLDocument()
        var table = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = TOMLLine(Array(raw.utf8), file: file, number: index + 1)
            line.skipSpace()
            if line.atEndOrComment { continue }
            if line.peek == UInt8(ascii: "[") {
                table = try line.tableHeader()
                guard doc.tables[table] == nil else { throw line.error("table [\(table)] is defined twice") }
                doc.tables[table] = [:]
                continue
            }
            let (key, value) = try line.keyValue()
            guard doc.tables[table]?[key] == nil else { throw line.error("key '\(key)' is set twice") }
            doc.tables[table, default: [:]][key] = value
        }
        return doc
    }
}

/// A cursor over one line of the file.
private struct TOMLLine {
    let bytes: [UInt8]
    let file: String
    let number: Int
    var i = 0

    init(_ bytes: [UInt8], file: String, number: Int) {
        self.bytes = bytes.last == UInt8(ascii: "\r") ? Array(bytes.dropLast()) : bytes
        self.file = file
        self.number = number
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }

    func error(_ what: String) -> ConfigError { ConfigError("\(file):\(number): \(what)") }

    mutating func skipSpace() {
        while let c = peek, c == 32 || c == 9 { i += 1 }
    }

    mutating func expectEnd() throws(ConfigError) {
        skipSpace()
        guard atEndOrComment else { throw error("unexpected text after the value") }
    }

    /// `[a.b."c d"]` → "a.b.c d".
    mutating func tableHeader() throws(ConfigError) -> String {
        i += 1
        if peek == UInt8(ascii: "[") { throw error("arrays of tables ([[...]]) are not supported") }
        var parts: [String] = []
        repeat {
            skipSpace()
            parts.append(try key())
            skipSpace()
        } while consume(".")
        guard consume("]") else { throw error("expected ']' to close the table name") }
        try expectEnd()
        return parts.joined(separator: ".")
    }

    mutating func keyValue() throws(ConfigError) -> (String, TOMLValue) {
        let k = try key()
        skipSpace()
        if peek == UInt8(ascii: ".") { throw error("dotted keys are not supported; use a [table]") }
        guard consume("=") else { throw error("expected '=' after key '\(k)'") }
        skipSpace()
        let v = try value()
        try expectEnd()
        return (k, v)
    }

    mutating func consume(_ c: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: c) else { return false }
        i += 1
        return true
    }

    mutating func key() throws(ConfigError) -> String {
        if peek == UInt8(ascii: "\"") { return try basicString() }
        if peek == UInt8(ascii: "'") { return try literalString() }
        let start = i
        while let c = peek, isBareKeyByte(c) { i += 1 }
        guard i > start else { throw error("expected a key") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
    }

    mutating func value() throws(ConfigError) -> TOMLValue {
        switch peek {
        case UInt8(ascii: "\""): return .string(try basicString())
        case UInt8(ascii: "'"): return .string(try literalString())
        case UInt8(ascii: "["): return .strings(try stringArray())
        default: return try scalar()
        }
    }

    /// `["a", 'b']` on one line.
    mutating func stringArray() throws(ConfigError) -> [String] {
        i += 1
        var out: [String] = []
        while true {
            skipSpace()
            if consume("]") { return out }
            switch peek {
            case UInt8(ascii: "\""): out.append(try basicString())
            case UInt8(ascii: "'"): out.append(try literalString())
            default: throw error("an array holds \"quoted strings\" on one line, closed by ']'")
            }
            skipSpace()
            if !consume(",") {
                guard consume("]") else { throw error("expected ',' or ']' in the array") }
                return out
            }
        }
    }

    mutating func scalar() throws(ConfigError) -> TOMLValue {
        let start = i
        while let c = peek, c != 32, c != 9, c != UInt8(ascii: "#") { i += 1 }
        let word = String(decoding: bytes[start..<i], as: UTF8.self)
        if word == "true" { return .boolean(true) }
        if word == "false" { return .boolean(false) }
        if let n = Int64(word.replacingUnderscores()) { return .integer(n) }
        throw error(
            word.isEmpty
                ? "expected a value" : "unsupported value '\(word)' (use a \"quoted string\", an integer or true/false)"
        )
    }

    mutating func literalString() throws(ConfigError) -> String {
        i += 1
        let start = i
        while let c = peek, c != UInt8(ascii: "'") { i += 1 }
        guard consume("'") else { throw error("unterminated string") }
        return String(decoding: bytes[start..<(i - 1)], as: UTF8.self)
    }

    mutating func basicString() throws(ConfigError) -> String {
        i += 1
        var out: [UInt8] = []
        while let c = peek {
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") { out += try escape() } else { out.append(c) }
        }
        throw error("unterminated string")
    }

    mutating func escape() throws(ConfigError) -> [UInt8] {
        guard let c = peek else { throw error("unterminated string") }
        i += 1
        switch c {
        case UInt8(ascii: "n"): return [10]
        case UInt8(ascii: "t"): return [9]
        case UInt8(ascii: "r"): return [13]
        case UInt8(ascii: "b"): return [8]
        case UInt8(ascii: "f"): return [12]
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): return [c]
        case UInt8(ascii: "u"): return try unicodeEscape(4)
        case UInt8(ascii: "U"): return try unicodeEscape(8)
        default: throw error("invalid escape '\\\(Character(Unicode.Scalar(c)))' in string")
        }
    }

    mutating func unicodeEscape(_ digits: Int) throws(ConfigError) -> [UInt8] {
        guard i + digits <= bytes.count,
            let v = UInt32(String(decoding: bytes[i..<(i + digits)], as: UTF8.self), radix: 16),
            let scalar = Unicode.Scalar(v)
        else { throw error("invalid unicode escape in string") }
        i += digits
        return Array(String(Character(scalar)).utf8)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
