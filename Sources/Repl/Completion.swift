/// Tab completion of globals and dotted fields, read without running metamethods.
import CLua
import LuaHost
import LuaShim

/// Completes `string.fo` to `string.format`, `box.us` to `box.users`, and global
/// names and keywords. Tables are read with `lua_next` and raw gets (and a table
/// `__index` of the metatable, read the same way), so no Lua code runs.
public struct LuaCompleter {
    let state: LuaState

    public init(state: LuaState) { self.state = state }

    /// Every completion of `text` (the word before the cursor), sorted.
    public func candidates(for text: String) -> [String] {
        let (base, separator, partial) = split(text)
        let s = state.stack
        let top = s.top
        defer { s.top = top }
        guard pushTable(path: base) else { return [] }
        var names = Set<String>()
        collectKeys(of: s.top, prefix: partial, into: &names, levels: 3)
        if base.isEmpty { names.formUnion(keywords.filter { $0.hasPrefix(partial) }) }
        let head = base.isEmpty ? "" : base + String(separator)
        return names.sorted().map { head + $0 }
    }

    /// What to append after the only completion: "." after a table, "(" after a
    /// function, nothing otherwise.
    public func suffix(for completion: String) -> String {
        let (base, _, name) = split(completion)
        let s = state.stack
        let top = s.top
        defer { s.top = top }
        guard pushTable(path: base), !name.isEmpty else { return "" }
        switch rawLookup(s.top, name) {
        case .table: return "."
        case .function: return "("
        default: return ""
        }
    }

    /// "box.users.li" -> ("box.users", ".", "li"); "pri" -> ("", ".", "pri").
    private func split(_ text: String) -> (String, Character, String) {
        guard let cut = text.lastIndex(where: { $0 == "." || $0 == ":" }) else { return ("", ".", text) }
        return (String(text[..<cut]), text[cut], String(text[text.index(after: cut)...]))
    }

    /// Pushes the table reached by the dotted `path` from the globals; false (and
    /// nothing useful pushed) when a part is missing or not a table.
    private func pushTable(path: String) -> Bool {
        let s = state.stack
        s.pushGlobals()
        for part in path.split(whereSeparator: { $0 == "." || $0 == ":" }) {
            guard rawLookup(s.top, String(part)) == .table else { return false }
        }
        return true
    }

    /// Pushes `table[name]`, looking through a table `__index` of the metatable.
    private func rawLookup(_ t: Int32, _ name: String) -> LuaType {
        let s = state.stack
        var table = t
        for _ in 0..<4 {
            if s.rawGet(at: table, key: name) != .nil { return s.type(at: -1) }
            s.pop()
            guard lua_getmetatable(s.L, table) != 0 else { break }
            guard s.rawGet(at: -1, key: "__index") == .table else {
                s.pop(2)
                break
            }
            s.remove(at: -2)
            table = s.top
        }
        s.pushNil()
        return .nil
    }

    private func collectKeys(of t: Int32, prefix: String, into names: inout Set<String>, levels: Int) {
        let s = state.stack
        s.pushNil()
        while lua_next(s.L, t) != 0 {
            s.pop()
            if let key = s.pullString(at: -1), key.hasPrefix(prefix), isLuaNameSyntax(key) { names.insert(key) }
        }
        guard levels > 0, lua_getmetatable(s.L, t) != 0 else { return }
        if s.rawGet(at: -1, key: "__index") == .table {
            collectKeys(of: s.top, prefix: prefix, into: &names, levels: levels - 1)
        }
        s.pop(2)
    }
}

/// Completion offers reserved words too: sorted, as they were listed here before.
private let keywords = luaKeywords.sorted()
