/// The one place that decides whether a Lua table is an array or an object.
import CLua
import LuaShim

/// Why a Lua value could not be converted, and where inside it.
public struct LuaConversionError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, e.g. "table mixes array items and fields (key 1 and key 'name')".
    public let problem: String
    /// Where: the keys from the converted value down to the offending one.
    public let path: [String]

    public init(_ problem: String, path: [String] = []) {
        self.problem = problem
        self.path = path
    }

    /// `problem`, followed by ` at users[3].name` when the problem is nested.
    public var description: String {
        path.isEmpty ? problem : "\(problem) at \(LuaConversionError.render(path))"
    }

    static func render(_ path: [String]) -> String {
        var out = ""
        for key in path {
            if key.hasPrefix("[") { out += key } else { out += out.isEmpty ? key : "." + key }
        }
        return out
    }
}

/// The limits every conversion obeys.
public enum LuaConversion {
    /// Nesting deeper than this is refused (matches JSON.parse's limit).
    public static let maxDepth = 512
}

/// What a table holds, as far as conversion cares.
enum TableShape: Equatable {
    /// Keys exactly 1...count (count may be 0 for an unmarked empty table).
    case array(count: Int64)
    /// String keys only (or an empty table with the empty-object marker).
    case object
}

extension LuaStack {
    /// Classifies the table at `index`: only keys 1...n make an array, only string
    /// keys an object; a mix, a hole or any other key is an error naming the key.
    func tableShape(at index: Int32) throws(LuaConversionError) -> TableShape {
        let t = absolute(index)
        var integerKeys: Int64 = 0, maxKey: Int64 = 0
        var firstInteger: Int64?, firstString: String?
        pushNil()
        while lua_next(L, t) != 0 {
            pop()  // the value; the key stays for lua_next
            if let k = pullInteger(at: -1), isInteger(-1), k >= 1 {
                integerKeys += 1
                maxKey = max(maxKey, k)
                if firstInteger == nil { firstInteger = k }
            } else if isString(-1) {
                if firstString == nil { firstString = pullString(at: -1) }
            } else {
                let key = describeKey(at: -1)
                pop()
                throw LuaConversionError("table key \(key) is neither a string nor an array index")
            }
            if let i = firstInteger, let s = firstString {
                pop()
                throw LuaConversionError(
                    "table mixes array items and fields (key \(i) and key '\(s)')")
            }
        }
        if firstString != nil || (integerKeys == 0 && isMarkedObject(t)) { return .object }
        if maxKey != integerKeys { throw sparseError(table: t, maxKey: maxKey) }
        return .array(count: integerKeys)
    }

    private func sparseError(table t: Int32, maxKey: Int64) -> LuaConversionError {
        var missing: Int64 = 1
        while rawGet(at: t, index: missing) != .nil {
            pop()
            missing += 1
        }
        pop()
        return LuaConversionError("sparse array: key \(maxKey) is set but key \(missing) is nil")
    }

    /// A key as an error message shows it: `'name'`, `3`, `1.5`, `(a boolean)`.
    func describeKey(at index: Int32) -> String {
        switch type(at: index) {
        case .string: return "'\(pullString(at: index) ?? "")'"
        case .number:
            if let i = pullInteger(at: index), isInteger(index) { return String(i) }
            return String(pullNumber(at: index) ?? .nan)
        case .boolean: return isTruthy(index) ? "true" : "false"
        default: return "(a \(typeName(at: index)))"
        }
    }
}
