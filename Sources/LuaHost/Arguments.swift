/// Argument checks for Swift functions, with Lua's own error messages.
import CLua
import JSON
import LuaShim

/// A bad argument, worded as `luaL_argerror` words it:
/// `bad argument #1 to 'delete' (string expected, got nil)`.
public struct LuaArgumentError: Error, CustomStringConvertible, Sendable {
    public let position: Int32
    public let function: String
    public let detail: String

    public init(position: Int32, function: String, detail: String) {
        self.position = position
        self.function = function
        self.detail = detail
    }

    public var description: String { "bad argument #\(position) to '\(function)' (\(detail))" }
}

extension LuaCall {
    /// An argument error for argument `n` of this function.
    public func argumentError(_ n: Int32, _ detail: String) -> LuaArgumentError {
        LuaArgumentError(position: n, function: name, detail: detail)
    }

    /// The error for argument `n` having the wrong type.
    public func typeError(_ n: Int32, expected: String) -> LuaArgumentError {
        argumentError(n, "\(expected) expected, got \(stack.typeName(at: n))")
    }

    /// True when argument `n` is absent or nil.
    public func isNone(_ n: Int32) -> Bool { lb_isnoneornil(stack.L, n) != 0 }

    /// Argument `n` as a string; a number is accepted and converted (as Lua does).
    public func string(_ n: Int32) throws(LuaArgumentError) -> String {
        switch stack.type(at: n) {
        case .string: return stack.pullString(at: n) ?? ""
        case .number:
            stack.pushCopy(of: n)  // lua_tolstring converts in place: convert a copy
            defer { stack.pop() }
            return String(cString: lb_tostring(stack.L, -1))
        default: throw typeError(n, expected: "string")
        }
    }

    /// Argument `n` as a string, or nil when absent or nil.
    public func optionalString(_ n: Int32) throws(LuaArgumentError) -> String? {
        isNone(n) ? nil : try string(n)
    }

    /// Argument `n` as an integer (a float with an exact integer value is accepted).
    public func integer(_ n: Int32) throws(LuaArgumentError) -> Int64 {
        guard stack.type(at: n) == .number else { throw typeError(n, expected: "number") }
        guard let value = stack.pullInteger(at: n) else {
            throw argumentError(n, "number has no integer representation")
        }
        return value
    }

    /// Argument `n` as an integer, or nil when absent or nil.
    public func optionalInteger(_ n: Int32) throws(LuaArgumentError) -> Int64? {
        isNone(n) ? nil : try integer(n)
    }

    /// Argument `n` as a number.
    public func number(_ n: Int32) throws(LuaArgumentError) -> Double {
        guard let value = stack.pullNumber(at: n) else { throw typeError(n, expected: "number") }
        return value
    }

    /// Argument `n` as a boolean (only `true` or `false`).
    public func boolean(_ n: Int32) throws(LuaArgumentError) -> Bool {
        guard let value = stack.pullBoolean(at: n) else { throw typeError(n, expected: "boolean") }
        return value
    }

    /// Argument `n` as a boolean, or nil when absent or nil.
    public func optionalBoolean(_ n: Int32) throws(LuaArgumentError) -> Bool? {
        isNone(n) ? nil : try boolean(n)
    }

    /// Checks that argument `n` is a table; returns its absolute index.
    @discardableResult
    public func table(_ n: Int32) throws(LuaArgumentError) -> Int32 {
        guard stack.type(at: n) == .table else { throw typeError(n, expected: "table") }
        return stack.absolute(n)
    }

    /// The index of table argument `n`, or nil when absent or nil.
    public func optionalTable(_ n: Int32) throws(LuaArgumentError) -> Int32? {
        isNone(n) ? nil : try table(n)
    }

    /// Checks that argument `n` is a function; returns a reference that keeps it.
    public func function(_ n: Int32) throws(LuaArgumentError) -> LuaReference {
        guard stack.type(at: n) == .function else { throw typeError(n, expected: "function") }
        return stack.reference(at: n)
    }

    /// Argument `n` as data; a conversion problem names the argument.
    public func value(_ n: Int32) throws(LuaArgumentError) -> LuaValue {
        do { return try stack.pullValue(at: n) } catch { throw argumentError(n, error.description) }
    }

    /// Argument `n` as JSON; a conversion problem names the argument.
    public func json(_ n: Int32) throws(LuaArgumentError) -> JSON {
        do { return try stack.pullJSON(at: n) } catch { throw argumentError(n, error.description) }
    }

    /// Pushes `values` and returns them as the function's results.
    public func returning(_ values: LuaValue...) throws -> LuaResult {
        .results(try stack.pushValues(values))
    }

    /// Pushes `json` and returns it as the function's one result.
    public func returning(json: JSON) throws -> LuaResult {
        try stack.pushJSON(json)
        return .results(1)
    }
}

extension LuaCall {
    /// The index of options table `n` (nil when absent), after checking that each of its keys is
    /// one of `known`: a misspelt option must fail, not be silently ignored.
    public func options(_ n: Int32, known: [String]) throws(LuaArgumentError) -> Int32? {
        guard let table = try optionalTable(n) else { return nil }
        let L = stack.L
        lua_pushnil(L)
        while lua_next(L, table) != 0 {
            // Key at -2, value at -1; the key must stay as it is for lua_next.
            let key: String? = lua_type(L, -2) == LUA_TSTRING ? stack.pullString(at: -2) : nil
            lb_pop(L, 1)
            guard let key, known.contains(key) else {
                let shown = key.map { "'\($0)'" } ?? "of type \(stack.typeName(at: -1))"
                lb_pop(L, 1)
                let list = known.isEmpty ? "it takes none" : "known: " + known.joined(separator: ", ")
                throw argumentError(n, "unknown option \(shown) (\(list))")
            }
        }
        return table
    }
}
