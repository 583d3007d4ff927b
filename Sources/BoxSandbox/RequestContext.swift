/// One request as a route sees it: the caller (after `As-User`), parameters, body, and the
/// sandbox state (the sandbox lock is held while a route runs).
import FoundationEssentials
import HTTPServer
import JSON

struct RequestContext {
    let request: HTTPRequest
    let params: [String: String]
    let now: Int64
    let sandbox: Sandbox
    /// The token's user.
    var caller: SandboxUser?
    /// Who the call acts as: the caller, or the `As-User` target.
    var actor: SandboxUser?

    init(request: HTTPRequest, params: [String: String], now: Int64, sandbox: Sandbox) {
        self.request = request
        self.params = params
        self.now = now
        self.sandbox = sandbox
    }

    var state: SandboxState { sandbox.state }
    var tokens: TokenStore { sandbox.tokens }
    var faults: Faults { sandbox.faultsUnsafe }

    /// Checks the bearer token and applies `As-User`.
    mutating func authenticate() throws {
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("bearer "),
            let grant = tokens.grant(String(header.dropFirst(7)).trimmingWhitespace()),
            !grant.expired(now: now, faults: faults), let user = state.user(grant.userID)
        else { throw BoxErrorReply.unauthorized() }
        caller = user
        actor = user
        guard let target = request.headers["As-User"] else { return }
        guard isPrivileged(user) else { throw BoxErrorReply.forbidden() }
        guard let t = state.user(target.trimmingWhitespace()) else {
            throw BoxErrorReply(status: 404, code: "not_found", message: "Not Found")
        }
        guard t.id != state.serviceAccountUserID, !t.isExternal else {
            throw BoxErrorReply(
                status: 403, code: "access_denied_insufficient_permissions",
                message: "Access denied - insufficient permission")
        }
        actor = t
    }

    /// Admins, co-admins and the service account may administer the enterprise.
    func isPrivileged(_ u: SandboxUser) -> Bool {
        !u.isExternal && (u.role == "admin" || u.role == "coadmin" || u.id == state.serviceAccountUserID)
    }

    /// The acting user; routes run only after `authenticate`.
    var me: SandboxUser { actor ?? SandboxUser(id: "0", name: "", login: "", createdAt: 0, enterpriseID: nil) }

    func requireAdmin() throws {
        guard isPrivileged(me) else { throw BoxErrorReply.forbidden() }
    }

    func query(_ name: String) -> String? { request.query(name) }

    /// `fields=a,b` as a list; nil when absent or empty.
    var fields: [String]? {
        guard let f = query("fields") else { return nil }
        let list = f.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        return list.isEmpty ? nil : list
    }

    func bool(_ name: String) throws -> Bool? {
        guard let v = query(name) else { return nil }
        guard let b = parseBool(v) else {
            throw BoxErrorReply.invalidParameter(name, "Invalid value '\(v)'. '\(name)' must be true or false")
        }
        return b
    }

    /// An integer query parameter; bad text gives Box's `invalid_offset`/`invalid_limit`-style 400.
    func integer(_ name: String) throws -> Int? {
        guard let v = query(name) else { return nil }
        guard let n = Int(v), n >= 0 else {
            throw BoxErrorReply(
                status: 400, code: "invalid_\(name)",
                message: "\(name.prefix(1).uppercased() + name.dropFirst()) is not a valid number")
        }
        return n
    }

    /// The JSON object body; 400 when it is not JSON or not an object.
    func jsonBody() throws -> JSONObject {
        let text = request.body
        guard !text.isEmpty else { return JSONObject() }
        guard let j = try? JSON.parse(text) else {
            throw BoxErrorReply(
                status: 400, code: "bad_request", message: "Invalid JSON in request body",
                contextInfo: [
                    "errors": [
                        [
                            "reason": "invalid_parameter", "name": "entity-body",
                            "message": "Entity body should be a correctly nested resource attribute name/value pair",
                        ]
                    ]
                ])
        }
        guard case .object(let o) = j else {
            throw BoxErrorReply.invalidParameter(
                "entity-body", "Entity body should be a correctly nested resource attribute name/value pair")
        }
        return o
    }

    /// The form fields of a `application/x-www-form-urlencoded` body.
    var form: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in URLEncoding.decodeForm(request.bodyText) where out[k] == nil { out[k] = v }
        return out
    }

    func user(_ id: String) throws -> SandboxUser {
        guard let u = state.user(id) else { throw BoxErrorReply.notFound() }
        return u
    }

    /// A user's bytes for `fields`, from the slot's cache when possible.
    func userBytes(_ id: String, fields: [String]?) -> [UInt8] {
        guard let slot = state.slots[id] else { return [] }
        let key = fields?.joined(separator: ",") ?? ""
        if let cached = slot.cache[key] { return cached }
        var out: [UInt8] = []
        out.reserveCapacity(640)
        slot.user.write(fields: fields, enterpriseName: state.enterpriseName, to: &out)
        slot.cache[key] = out
        return out
    }
}
