/// Box errors as Lua values: a table with status, code, message, request_id, method, url
/// (and context_info, where) whose `tostring` reads like
/// `box: 404 not_found: Not Found (DELETE /2.0/users/42, request 3f2a...)`.
import BoxClient
import CLua
import JSON
import LuaHost

let boxErrorMetatable = "boxlua.box_error"

struct BoxErrorValue: LuaRaisable {
    let error: BoxError
    /// `script.lua:12`: where the script made the call, for the CLI's error line.
    let position: String?

    func pushLuaError(onto stack: LuaStack) {
        var o = JSONObject()
        o["status"] = .int(Int64(error.status))
        o["code"] = .string(error.code)
        o["message"] = .string(error.message)
        o["request_id"] = error.requestID.map(JSON.string) ?? .null
        o["method"] = .string(error.method)
        o["url"] = .string(error.url)
        if let c = error.contextInfo, c != .null { o["context_info"] = c }
        if let position { o["where"] = .string(position) }
        if (try? stack.pushJSON(.object(o))) == nil {
            stack.pushString(error.description)
            return
        }
        stack.setMetatable(named: boxErrorMetatable, at: -1)
    }
}

/// Registers the metatable of Box error values, with `__tostring` and `__name`.
func installErrorMetatable(_ stack: LuaStack) {
    _ = stack.pushMetatable(named: boxErrorMetatable, createIfMissing: true)
    stack.pushString("box.error")
    stack.rawSet(at: -2, key: "__name")
    stack.pushFunction(named: "__tostring") { call in
        let s = call.stack
        guard s.type(at: 1) == .table else { throw LuaMessage("box.error value expected") }
        func field(_ k: String) -> JSON? {
            _ = s.rawGet(at: 1, key: k)
            defer { s.pop() }
            return try? s.pullJSON(at: -1)
        }
        let e = BoxError(
            status: Int(field("status")?.intValue ?? 0), code: field("code")?.stringValue ?? "error",
            message: field("message")?.stringValue ?? "", requestID: field("request_id")?.stringValue,
            method: field("method")?.stringValue ?? "", url: field("url")?.stringValue ?? "")
        s.pushString(e.description)
        return .results(1)
    }
    stack.rawSet(at: -2, key: "__tostring")
    stack.pop()
}

let configurationErrorMetatable = "boxlua.configuration_error"

/// A run that cannot reach Box as configured (no credentials, a bad profile, libcurl
/// missing, an audit log that cannot be opened): raised as a table `{message=}` whose
/// `tostring` is the message, so that the command line can tell it from a script's own
/// error by the value (exit 2), even when the script caught it with pcall and raised it again.
struct ConfigurationErrorValue: LuaRaisable {
    let message: String

    func pushLuaError(onto stack: LuaStack) {
        stack.newTable()
        stack.pushString(message)
        stack.rawSet(at: -2, key: "message")
        if stack.pushMetatable(named: configurationErrorMetatable, createIfMissing: true) {
            stack.pushString("box.configuration_error")
            stack.rawSet(at: -2, key: "__name")
            stack.pushFunction(named: "__tostring") { call in
                _ = call.stack.rawGet(at: 1, key: "message")
                return .results(1)
            }
            stack.rawSet(at: -2, key: "__tostring")
        }
        stack.setMetatable(at: -2)
    }
}

extension BoxRuntime {
    /// True when a script failed on a configuration error (see ``ConfigurationErrorValue``).
    public static func isConfigurationError(_ error: LuaError, in state: LuaState) -> Bool {
        guard let value = error.value else { return false }
        value.push(onto: state.stack)
        defer { state.stack.pop() }
        return state.stack.hasMetatable(named: configurationErrorMetatable, at: -1)
    }
}
