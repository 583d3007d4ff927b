/// Reading Lua values into LuaValue or JSON (one generic walk for both).
import CLua
import JSON
import LuaShim

/// A Swift tree that a Lua value can be read into.
protocol LuaPullTarget {
    static var luaNull: Self { get }
    static func luaBoolean(_ value: Bool) -> Self
    static func luaInteger(_ value: Int64) -> Self
    static func luaFloat(_ value: Double) throws(LuaConversionError) -> Self
    static func luaString(_ bytes: [UInt8]) throws(LuaConversionError) -> Self
    static func luaArray(_ items: [Self]) -> Self
    static func luaObject(_ fields: [(String, Self)]) -> Self
}

extension LuaValue: LuaPullTarget {
    static var luaNull: LuaValue { .null }
    static func luaBoolean(_ value: Bool) -> LuaValue { .boolean(value) }
    static func luaInteger(_ value: Int64) -> LuaValue { .integer(value) }
    static func luaFloat(_ value: Double) -> LuaValue { .number(value) }
    static func luaString(_ bytes: [UInt8]) -> LuaValue {
        if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
        return .bytes(bytes)
    }
    static func luaArray(_ items: [LuaValue]) -> LuaValue { .array(items) }
    static func luaObject(_ fields: [(String, LuaValue)]) -> LuaValue {
        .object(Dictionary(fields, uniquingKeysWith: { _, last in last }))
    }
}

extension JSON: LuaPullTarget {
    static var luaNull: JSON { .null }
    static func luaBoolean(_ value: Bool) -> JSON { .bool(value) }
    static func luaInteger(_ value: Int64) -> JSON { .int(value) }
    static func luaFloat(_ value: Double) throws(LuaConversionError) -> JSON {
        guard value.isFinite else { throw LuaConversionError("number \(value) has no JSON form") }
        return .double(value)
    }
    static func luaString(_ bytes: [UInt8]) throws(LuaConversionError) -> JSON {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw LuaConversionError("string is not valid UTF-8")
        }
        return .string(s)
    }
    static func luaArray(_ items: [JSON]) -> JSON { .array(items) }
    static func luaObject(_ fields: [(String, JSON)]) -> JSON { .object(JSONObject(fields)) }
}

extension LuaStack {
    /// Reads the value at `index` (left on the stack) as a ``LuaValue``.
    /// `nil` (or no value) reads as ``LuaValue/nil``.
    public func pullValue(at index: Int32) throws(LuaConversionError) -> LuaValue {
        if type(at: index) == .nil || type(at: index) == .none { return .nil }
        return try pullTree(at: index)
    }

    /// Reads the value at `index` (left on the stack) as JSON; `nil` and the null
    /// sentinel read as JSON null; object keys come out sorted, so output is stable.
    public func pullJSON(at index: Int32) throws(LuaConversionError) -> JSON {
        if type(at: index) == .nil || type(at: index) == .none { return .null }
        return try pullTree(at: index)
    }

    func pullTree<T: LuaPullTarget>(at index: Int32) throws(LuaConversionError) -> T {
        var walk = PullWalk(stack: self)
        return try walk.pull(at: absolute(index), depth: 0)
    }
}

/// One conversion walk: the tables on the current path (to refuse cycles) and the
/// keys leading to the current value (to name the place of an error).
private struct PullWalk {
    let stack: LuaStack
    var path: [String] = []
    var onPath: Set<UnsafeRawPointer> = []

    mutating func pull<T: LuaPullTarget>(at i: Int32, depth: Int) throws(LuaConversionError) -> T {
        do {
            return try pullScalarOrTable(at: i, depth: depth)
        } catch let error where error.path.isEmpty && !path.isEmpty {
            throw LuaConversionError(error.problem, path: path)
        }
    }

    private mutating func pullScalarOrTable<T: LuaPullTarget>(at i: Int32, depth: Int)
        throws(LuaConversionError) -> T
    {
        switch stack.type(at: i) {
        case .nil, .none: return T.luaNull
        case .boolean: return T.luaBoolean(stack.isTruthy(i))
        case .number:
            if stack.isInteger(i), let n = stack.pullInteger(at: i) { return T.luaInteger(n) }
            return try T.luaFloat(stack.pullNumber(at: i) ?? .nan)
        case .string: return try T.luaString(stack.pullBytes(at: i) ?? [])
        case .table: return try pullTable(at: i, depth: depth)
        default:
            if stack.isNull(i) { return T.luaNull }
            throw LuaConversionError("cannot convert a \(stack.typeName(at: i)) value")
        }
    }

    private mutating func pullTable<T: LuaPullTarget>(at t: Int32, depth: Int)
        throws(LuaConversionError) -> T
    {
        guard depth < LuaConversion.maxDepth, stack.reserve(4) else {
            throw LuaConversionError("tables nested more than \(LuaConversion.maxDepth) deep")
        }
        guard let identity = lua_topointer(stack.L, t), onPath.insert(identity).inserted else {
            throw LuaConversionError("table contains itself (a cycle)")
        }
        defer { onPath.remove(identity) }
        switch try stack.tableShape(at: t) {
        case .array(let count): return T.luaArray(try pullItems(of: t, count: count, depth: depth))
        case .object: return T.luaObject(try pullFields(of: t, depth: depth))
        }
    }

    private mutating func pullItems<T: LuaPullTarget>(of t: Int32, count: Int64, depth: Int)
        throws(LuaConversionError) -> [T]
    {
        var items: [T] = []
        items.reserveCapacity(Int(count))
        for n in 1...max(count, 1) where count > 0 {
            stack.rawGet(at: t, index: n)
            path.append("[\(n)]")
            defer { path.removeLast(); stack.pop() }
            items.append(try pull(at: stack.top, depth: depth + 1))
        }
        return items
    }

    private mutating func pullFields<T: LuaPullTarget>(of t: Int32, depth: Int)
        throws(LuaConversionError) -> [(String, T)]
    {
        var keys: [String] = []
        stack.pushNil()
        while lua_next(stack.L, t) != 0 {
            stack.pop()
            // tableShape checked that every key is a string.
            guard let key = String(validating: stack.pullBytes(at: -1) ?? [], as: UTF8.self) else {
                stack.pop()
                throw LuaConversionError("table key is not valid UTF-8", path: path)
            }
            keys.append(key)
        }
        keys.sort()
        var fields: [(String, T)] = []
        fields.reserveCapacity(keys.count)
        for key in keys {
            stack.rawGet(at: t, key: key)
            path.append(key)
            defer { path.removeLast(); stack.pop() }
            fields.append((key, try pull(at: stack.top, depth: depth + 1)))
        }
        return fields
    }
}
