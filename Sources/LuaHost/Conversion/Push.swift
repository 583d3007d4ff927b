/// Pushing LuaValue and JSON onto a Lua stack (JSON straight, no intermediate tree).
import CLua
import JSON
import LuaShim

extension LuaStack {
    /// Pushes `value` as one Lua value (rules on ``LuaValue``).
    /// - Throws: when nesting exceeds ``LuaConversion/maxDepth`` (nothing is pushed).
    public func pushValue(_ value: LuaValue) throws(LuaConversionError) {
        try pushChecked { () throws(LuaConversionError) in try pushValue(value, depth: 0) }
    }

    /// Pushes `json` as one Lua value: null becomes nil (the null sentinel inside
    /// arrays), integers stay integers, objects become tables (an empty one marked).
    public func pushJSON(_ json: JSON) throws(LuaConversionError) {
        try pushChecked { () throws(LuaConversionError) in try pushJSON(json, depth: 0) }
    }

    /// Pushes several values; returns how many (for a function's results).
    /// - Throws: Lua's "stack overflow" when they cannot all fit (nothing is pushed).
    @discardableResult
    public func pushValues(_ values: [LuaValue]) throws(LuaConversionError) -> Int32 {
        guard reserve(values.count) else {
            throw LuaConversionError("stack overflow (too many values: \(values.count))")
        }
        try pushChecked { () throws(LuaConversionError) in
            for v in values { try pushValue(v, depth: 0) }
        }
        return Int32(values.count)
    }

    private func pushChecked(_ body: () throws(LuaConversionError) -> Void) throws(LuaConversionError) {
        let before = top
        do { try body() } catch {
            top = before
            throw error
        }
    }

    private func enter(_ depth: Int) throws(LuaConversionError) {
        guard depth < LuaConversion.maxDepth, reserve(4) else {
            throw LuaConversionError("value nested more than \(LuaConversion.maxDepth) deep")
        }
    }

    private func pushValue(_ value: LuaValue, depth: Int) throws(LuaConversionError) {
        switch value {
        case .nil: pushNil()
        case .null: pushNull()
        case .boolean(let b): pushBoolean(b)
        case .integer(let i): pushInteger(i)
        case .number(let d): pushNumber(d)
        case .string(let s): pushString(s)
        case .bytes(let b): pushBytes(b)
        case .array(let items):
            try enter(depth)
            newTable(arrayCount: Int32(clamping: items.count))
            for (n, item) in items.enumerated() {
                if item == .nil { pushNull() } else { try pushValue(item, depth: depth + 1) }
                rawSet(at: -2, index: Int64(n + 1))
            }
        case .object(let fields):
            try enter(depth)
            newTable(fieldCount: Int32(clamping: fields.count))
            var stored = 0
            for (key, field) in fields where field != .nil && field != .null {
                pushString(key)
                try pushValue(field, depth: depth + 1)
                lua_rawset(L, -3)
                stored += 1
            }
            if stored == 0 { setMetatable(named: LuaSentinel.emptyObjectMetatable, at: -1) }
        }
    }

    private func pushJSON(_ json: JSON, depth: Int) throws(LuaConversionError) {
        switch json {
        case .null: pushNil()
        case .bool(let b): pushBoolean(b)
        case .int(let i): pushInteger(i)
        case .double(let d): pushNumber(d)
        case .string(let s): pushString(s)
        case .array(let items):
            try enter(depth)
            newTable(arrayCount: Int32(clamping: items.count))
            for (n, item) in items.enumerated() {
                if item == .null { pushNull() } else { try pushJSON(item, depth: depth + 1) }
                rawSet(at: -2, index: Int64(n + 1))
            }
        case .object(let object):
            try enter(depth)
            newTable(fieldCount: Int32(clamping: object.count))
            var stored = 0
            for (key, field) in object where field != .null {
                pushString(key)
                try pushJSON(field, depth: depth + 1)
                lua_rawset(L, -3)
                stored += 1
            }
            if stored == 0 { setMetatable(named: LuaSentinel.emptyObjectMetatable, at: -1) }
        }
    }
}
