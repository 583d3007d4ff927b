/// LuaValue: Lua data as a Swift value (nil, booleans, numbers, strings, arrays, objects).
import JSON

/// A Lua value that is plain data. Functions, userdata and threads have no
/// ``LuaValue``; keep them with a ``LuaReference``.
///
/// Conversion rules (both directions, see Conversion/): a Lua integer is
/// ``integer``, a float is ``number`` (`3.0` stays a float); a table whose keys are
/// exactly 1...n is ``array``; a table with only string keys is ``object``; an empty
/// table is an empty ``array`` unless it carries the empty-object marker
/// (``LuaStack/pushEmptyObject()``); the null sentinel is ``null``. Pushing
/// ``object`` skips `nil` and `null` fields (a Lua table cannot hold nil, and JSON null
/// reads as nil), and an `object` left without fields gets the empty-object marker.
/// Inside an ``array``, `nil` and `null` become the null sentinel so no hole appears.
public enum LuaValue: Equatable, Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// A Lua string that is valid UTF-8 (embedded zeros allowed).
    case string(String)
    /// A Lua string that is not valid UTF-8, byte for byte.
    case bytes([UInt8])
    case array([LuaValue])
    case object([String: LuaValue])
    /// The null sentinel (JSON null where Lua needs a value, e.g. inside arrays).
    case null
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension LuaValue {
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    public var booleanValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    public subscript(key: String) -> LuaValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The same data as JSON: `nil` and `null` become JSON null, object keys sorted.
    /// Bytes that are not UTF-8 are repaired; NaN and infinities become null.
    public var json: JSON {
        switch self {
        case .nil, .null: return .null
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .number(let d): return d.isFinite ? .double(d) : .null
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(String(decoding: b, as: UTF8.self))
        case .array(let items): return .array(items.map(\.json))
        case .object(let fields):
            return .object(JSONObject(fields.keys.sorted().map { ($0, fields[$0]!.json) }))
        }
    }
}
