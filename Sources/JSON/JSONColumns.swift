/// A few fields of every element of an array, read without building the elements.
///
/// A reader that needs two fields of each of 500 records in a page (who logged in, and when)
/// would otherwise build all 500 records with every field they carry, only to drop them.
/// Here the text is scanned once; the fields asked for come back as ranges of the text (or
/// decoded strings when they hold escapes), column by column.

/// One picked value.
public enum JSONPicked: Equatable, Sendable {
    /// The element has no string or number at the path (no such key, null, an object...).
    case missing
    /// The bytes of a string without escapes (between its quotes) or of a number, in the text.
    case text(Range<Int>)
    /// A string that held escapes, decoded.
    case decoded(String)
}

extension JSON {
    /// For the array field `arrayField` of the object `bytes` holds: how many elements it has,
    /// and for each path in `paths` (keys from an element down: `["created_by", "id"]`) the
    /// value at that path in each element, as one column per path (`columns[k][n]` is path
    /// k in element n). At most 64 paths, each at least one key. The text is checked as JSON
    /// only as far as it is scanned; an element that is not an object has every path missing.
    public static func columns(
        of bytes: UnsafeBufferPointer<UInt8>, arrayField: String, paths: [[String]]
    ) throws(JSONParseError) -> (count: Int, columns: [[JSONPicked]]) {
        precondition(paths.count <= 64 && paths.allSatisfy { !$0.isEmpty }, "1 to 64 paths of at least one key")
        var p = ColumnPicker(lexer: JSONLexer(bytes), paths: paths.map { $0.map { Array($0.utf8) } })
        var columns = Array(repeating: [JSONPicked](), count: paths.count)
        var count = 0
        let field = Array(arrayField.utf8)
        p.lexer.skipSpace()
        guard p.lexer.next == UInt8(ascii: "{") else { throw p.lexer.fail("expected an object") }
        p.lexer.position += 1
        if p.lexer.take(UInt8(ascii: "}")) { return (0, columns) }
        let all: UInt64 = paths.count == 64 ? ~0 : (1 << UInt64(paths.count)) - 1
        var row = Array(repeating: JSONPicked.missing, count: paths.count)
        repeat {
            let key = try p.lexer.key()
            guard try p.keyIs(key, field), p.lexer.next == UInt8(ascii: "[") else {
                try p.skipValue()
                continue
            }
            p.lexer.position += 1
            if p.lexer.take(UInt8(ascii: "]")) { continue }
            repeat {
                p.lexer.skipSpace()
                for k in row.indices { row[k] = .missing }
                try p.element(candidates: all, depth: 0, into: &row)
                for k in row.indices { columns[k].append(row[k]) }
                count += 1
            } while try p.lexer.separator(close: UInt8(ascii: "]"))
        } while try p.lexer.separator(close: UInt8(ascii: "}"))
        return (count, columns)
    }
}

/// Walks one element, descending only into objects some path goes through.
private struct ColumnPicker {
    var lexer: JSONLexer
    let paths: [[[UInt8]]]

    /// True when the key token reads `name`.
    func keyIs(_ token: JSONLexer.StringToken, _ name: [UInt8]) throws(JSONParseError) -> Bool {
        if token.escaped { return Array(try lexer.decoded(token).utf8) == name }
        guard token.raw.count == name.count else { return false }
        var i = token.raw.lowerBound
        for c in name {
            if lexer.bytes[i] != c { return false }
            i += 1
        }
        return true
    }

    /// The value at `position`: an object is searched for the paths in `candidates` (a bit
    /// per path) whose first `depth` keys led here; anything else is stepped over.
    mutating func element(candidates: UInt64, depth: Int, into row: inout [JSONPicked]) throws(JSONParseError) {
        guard lexer.next == UInt8(ascii: "{"), depth < JSON.maxDepth else { return try skipValue() }
        lexer.position += 1
        if lexer.take(UInt8(ascii: "}")) { return }
        repeat {
            let key = try lexer.key()
            var ending: UInt64 = 0
            var deeper: UInt64 = 0
            var rest = candidates
            while rest != 0 {
                let k = rest.trailingZeroBitCount
                rest &= rest - 1
                guard try keyIs(key, paths[k][depth]) else { continue }
                if paths[k].count == depth + 1 { ending |= 1 << UInt64(k) } else { deeper |= 1 << UInt64(k) }
            }
            if deeper != 0 && lexer.next == UInt8(ascii: "{") {
                // `a` and `a.b` both asked for: an object at `a` holds `a.b`; `a` stays missing.
                try element(candidates: deeper, depth: depth + 1, into: &row)
            } else if ending != 0 {
                let value = try scalar()
                var done = ending
                while done != 0 {
                    let k = done.trailingZeroBitCount
                    done &= done - 1
                    row[k] = value
                }
            } else if deeper != 0 {
                try element(candidates: deeper, depth: depth + 1, into: &row)
            } else {
                try skipValue()
            }
        } while try lexer.separator(close: UInt8(ascii: "}"))
    }

    /// A string or a number as picked; anything else stepped over as missing.
    mutating func scalar() throws(JSONParseError) -> JSONPicked {
        switch lexer.next {
        case UInt8(ascii: "\""):
            let token = try lexer.string()
            return token.escaped ? .decoded(try lexer.decoded(token)) : .text(token.raw)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = lexer.position
            _ = try lexer.number()
            return .text(start..<lexer.position)
        default:
            try skipValue()
            return .missing
        }
    }

    /// Steps over a value; a scalar is checked, an object or array only for its brackets.
    mutating func skipValue() throws(JSONParseError) {
        switch lexer.next {
        case UInt8(ascii: "\""): _ = try lexer.string(); return
        case UInt8(ascii: "t"): try lexer.literal("true"); return
        case UInt8(ascii: "f"): try lexer.literal("false"); return
        case UInt8(ascii: "n"): try lexer.literal("null"); return
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try lexer.number(); return
        case UInt8(ascii: "{"), UInt8(ascii: "["): break
        default: throw lexer.fail(lexer.atEnd ? "unexpected end of input" : "unexpected character")
        }
        var skipper = JSONByteParser(lexer.bytes)
        skipper.i = lexer.position
        _ = try skipper.skip()
        lexer.position = skipper.i
    }
}
