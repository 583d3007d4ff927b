/// Readable text for any Lua value: nested tables, sorted keys, compact arrays, cycles.
import CLua
import LuaShim

/// Renders Lua values the way a REPL shows them. It reads tables without running
/// metamethods (`lua_next`, raw gets); only `tostring` of non-table values and of
/// tables with `__tostring` runs Lua code, and that runs protected.
public struct LuaPrettyPrinter {
    /// Items of one table shown before "... (N more)".
    public var maxItems = 50
    /// Nesting shown before a table is abbreviated as `{...}`.
    public var maxDepth = 8
    /// A table whose one-line form fits in this width stays on one line.
    public var lineWidth = 78

    public init() {}

    /// The text for the value at `index` of `stack` (strings are quoted inside tables;
    /// a top-level string is quoted only when `quoteStrings` is set).
    public func render(_ stack: LuaStack, at index: Int32, quoteStrings: Bool = false) -> String {
        var walk = PrettyWalk(printer: self, stack: stack)
        let i = stack.absolute(index)
        if stack.type(at: i) == .string && !quoteStrings { return stack.pullString(at: i) ?? "" }
        return walk.render(at: i, indent: 0)
    }
}

private struct PrettyWalk {
    let printer: LuaPrettyPrinter
    let stack: LuaStack
    var onPath: Set<UnsafeRawPointer> = []

    mutating func render(at i: Int32, indent: Int) -> String {
        switch stack.type(at: i) {
        case .string: return quote(stack.pullBytes(at: i) ?? [])
        case .table where !stack.hasMetafield(at: i, "__tostring"):
            return renderTable(at: i, indent: indent)
        default: return (try? stack.tostring(at: i)) ?? "?"
        }
    }

    private mutating func renderTable(at t: Int32, indent: Int) -> String {
        guard let identity = lua_topointer(stack.L, t) else { return "{}" }
        if onPath.contains(identity) { return "<cycle>" }
        if indent / 2 >= printer.maxDepth || !stack.reserve(4) { return "{...}" }
        onPath.insert(identity)
        defer { onPath.remove(identity) }
        let (array, fields, more) = collect(t, indent: indent + 2)
        var parts = array + fields.map { "\($0.key) = \($0.value)" }
        if more > 0 { parts.append("... (\(more) more)") }
        if parts.isEmpty { return "{}" }
        let oneLine = "{ " + parts.joined(separator: ", ") + " }"
        if oneLine.count + indent <= printer.lineWidth && !oneLine.contains("\n") { return oneLine }
        let pad = String(repeating: " ", count: indent + 2)
        return "{\n" + parts.map { pad + $0 + ",\n" }.joined() + String(repeating: " ", count: indent) + "}"
    }

    /// The array part 1..n (shown without keys), the other entries sorted by key,
    /// and how many entries were left out.
    private mutating func collect(_ t: Int32, indent: Int)
        -> (array: [String], fields: [(key: String, value: String, order: SortKey)], more: Int)
    {
        var array: [String] = []
        var n: Int64 = 1
        while stack.rawGet(at: t, index: n) != .nil, array.count < printer.maxItems {
            array.append(render(at: stack.top, indent: indent))
            stack.pop()
            n += 1
        }
        stack.pop()
        var fields: [(key: String, value: String, order: SortKey)] = []
        var more = 0
        stack.pushNil()
        while lua_next(stack.L, t) != 0 {
            let key = stack.top - 1
            if let k = stack.pullInteger(at: key), stack.isInteger(key), k >= 1, k < n {
                stack.pop()
                continue
            }
            if array.count + fields.count >= printer.maxItems {
                more += 1
            } else {
                let order = SortKey(stack, key)
                fields.append((renderKey(at: key), render(at: stack.top, indent: indent), order))
            }
            stack.pop()
        }
        fields.sort { $0.order < $1.order }
        return (array, fields, more)
    }

    private mutating func renderKey(at k: Int32) -> String {
        if let s = stack.pullString(at: k), isIdentifier(s) { return s }
        return "[" + render(at: k, indent: 0) + "]"
    }
}

/// Sorting order of keys: numbers, then strings, then everything else.
private struct SortKey: Comparable {
    let rank: Int
    let number: Double
    let text: String

    init(_ stack: LuaStack, _ k: Int32) {
        switch stack.type(at: k) {
        case .number: (rank, number, text) = (0, stack.pullNumber(at: k) ?? 0, "")
        case .string: (rank, number, text) = (1, 0, stack.pullString(at: k) ?? "")
        default: (rank, number, text) = (2, 0, stack.typeName(at: k))
        }
    }

    static func < (a: SortKey, b: SortKey) -> Bool {
        (a.rank, a.number, a.text) < (b.rank, b.number, b.text)
    }
}

/// Lua 5.4's reserved words (manual §3.1): a name that is one cannot be written `t.name`.
public let luaKeywords: Set<String> = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
    "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]

/// Lua's name syntax: ASCII letters, digits and `_`, not starting with a digit (reserved words included).
public func isLuaNameSyntax(_ s: String) -> Bool {
    guard let first = s.utf8.first, !(48...57).contains(first) else { return false }
    return s.utf8.allSatisfy { $0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
}

/// A name a table key can be written as, `t.name`: the name syntax and not a reserved word.
func isIdentifier(_ s: String) -> Bool {
    isLuaNameSyntax(s) && !luaKeywords.contains(s)
}

/// A string as Lua source would write it (like `%q`, but with `\n` for newlines).
private func quote(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = [34]
    for b in bytes {
        switch b {
        case 34, 92: out += [92, b]
        case 10: out += Array("\\n".utf8)
        case 13: out += Array("\\r".utf8)
        case 9: out += Array("\\t".utf8)
        case 0..<32, 127:
            let digits = String(b)
            out += Array(("\\" + String(repeating: "0", count: 3 - digits.count) + digits).utf8)
        default: out.append(b)
        }
    }
    out.append(34)
    return String(decoding: out, as: UTF8.self)
}
