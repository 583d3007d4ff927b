/// Changing users: POST /users, PUT and DELETE /users/{id}, POST /users/terminate_sessions,
/// POST /invites (and reading one back, GET /invites/{id}).
import JSON
import Signing

enum UserWriteRoutes {
    static func create(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let body = try c.jsonBody()
        guard body["name"]?.stringValue != nil else {
            throw BoxErrorReply.invalidParameter("name", "'name' is required", reason: "missing_parameter")
        }
        var draft = SandboxUser(id: "0", name: "", login: "", createdAt: c.now, enterpriseID: c.state.enterpriseID)
        try UserFields.apply(body, to: &draft, creating: true)
        if draft.isPlatformAccessOnly {
            draft.login = "AppUser_\(serviceID(c))_\(SecureRandom.token(10).lowercased())@boxdevedition.com"
        } else {
            guard !draft.login.isEmpty else {
                throw BoxErrorReply.invalidParameter("login", "'login' is required", reason: "missing_parameter")
            }
            guard UserFields.isEmail(draft.login) else {
                throw BoxErrorReply.invalidParameter(
                    "login", "Invalid value '\(draft.login)'. 'login' must be an email address")
            }
            guard !c.state.login(exists: draft.login) else { throw loginTaken() }
        }
        let user = c.state.insert { id in
            var u = draft
            u.id = id
            return u
        }
        c.state.record("NEW_USER", actor: c.me, subject: user, now: c.now)
        return .rawJSON(201, c.userBytes(user.id, fields: c.fields))
    }

    static func loginTaken() -> BoxErrorReply {
        BoxErrorReply(
            status: 409, code: "user_login_already_used", message: "User with the specified login already exists")
    }

    /// The app's service id, as in the service account's `AutomationUser_<id>_...` login.
    private static func serviceID(_ c: RequestContext) -> String {
        let login = c.state.user(c.state.serviceAccountUserID)?.login ?? ""
        let parts = login.split(separator: "_")
        return parts.count >= 2 ? String(parts[1]) : "0"
    }

    static func update(_ c: inout RequestContext) throws -> Reply {
        let id = c.params["user_id"] ?? ""
        let target = try c.user(id)
        let body = try c.jsonBody()
        let selfEdit = c.me.id == id && !c.isPrivileged(c.me)
        if !selfEdit { try c.requireAdmin() }
        if selfEdit, body["role"] != nil || body["status"] != nil || body["enterprise"] != nil {
            throw BoxErrorReply.forbidden()
        }
        if target.role == "admin" && c.me.role != "admin" && c.me.id != id { throw BoxErrorReply.forbidden() }
        var u = target
        try UserFields.apply(body, to: &u, creating: false)
        let rollOut = body["enterprise"]?.isNull == true
        if rollOut, target.role == "admin" || id == c.state.serviceAccountUserID || id == c.me.id {
            throw BoxErrorReply.forbidden()
        }
        if let login = body["login"]?.stringValue, login.lowercased() != target.login.lowercased() {
            guard UserFields.isEmail(login) else {
                throw BoxErrorReply.invalidParameter("login", "'login' must be an email address")
            }
            guard !c.state.login(exists: login) else { throw loginTaken() }
            try changeLogin(c, user: target, to: login)
        }
        if rollOut && !target.isExternal {
            // A free account belongs to no enterprise: no groups, no admin role (aliases stay).
            u.enterpriseID = nil
            u.role = "user"
            c.state.forgetUser(id, keepAliases: true)
        }
        u.modifiedAt = c.now
        c.state.update(id) { $0 = u }
        c.state.record("EDIT_USER", actor: c.me, subject: u, now: c.now)
        return .rawJSON(200, c.userBytes(id, fields: c.fields))
    }

    static func delete(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let id = c.params["user_id"] ?? ""
        let target = try c.user(id)
        let force = try c.bool("force") ?? false
        _ = try c.bool("notify")
        guard target.role != "admin", id != c.state.serviceAccountUserID, id != c.me.id else {
            throw BoxErrorReply.forbidden()
        }
        if c.state.ownsContent(id, now: c.now) {
            guard force else { throw BoxErrorReply.badRequest("User has managed content") }
            // Even with force, while the enterprise has any legal hold or retention policy (README,
            // "The sandbox": Box's rules on deleting users, support article 33282413279635).
            if c.state.content.deleteBlockingPolicy != nil {
                throw BoxErrorReply(
                    status: 403, code: "forbidden",
                    message: "User cannot be deleted due to retention policies. Please transfer user content first")
            }
        }
        c.state.remove(id)
        c.tokens.revokeAll(userID: id)
        c.state.record("DELETE_USER", actor: c.me, subject: target, now: c.now)
        return .empty(204)
    }

    static func terminateSessions(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        if let type = c.request.headers["Content-Type"], !type.lowercased().contains("json") {
            throw BoxErrorReply.badRequest("Supported payload format is JSON")
        }
        let body = try c.jsonBody()
        let ids = try strings(body["user_ids"], message: "User id format is string")
        let logins = try strings(body["user_logins"], message: "User login format is string")
        guard !ids.isEmpty || !logins.isEmpty else { throw BoxErrorReply.badRequest("Users can not be NULL or EMPTY") }
        var targets: [String] = []
        for id in ids {
            guard c.state.user(id) != nil else { throw BoxErrorReply.notFound() }
            targets.append(id)
        }
        for login in logins {
            guard let slot = c.state.order.first(where: { $0.user.login.lowercased() == login.lowercased() }) else {
                throw BoxErrorReply.notFound()
            }
            targets.append(slot.user.id)
        }
        for id in targets { c.tokens.revokeAll(userID: id) }
        return .json(202, ["message": "Request is successful, please check the admin events for the status of the job"])
    }

    private static func strings(_ v: JSON?, message: String) throws -> [String] {
        guard let v, !v.isNull else { return [] }
        guard let a = v.arrayValue else { throw BoxErrorReply.badRequest(message) }
        return try a.map {
            guard let s = $0.stringValue else { throw BoxErrorReply.badRequest(message) }
            return s
        }
    }

    static func invite(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let body = try c.jsonBody()
        guard let ent = body["enterprise"]?["id"]?.stringValue else {
            throw BoxErrorReply.invalidParameter(
                "enterprise", "'enterprise.id' is required", reason: "missing_parameter")
        }
        guard let login = body["actionable_by"]?["login"]?.stringValue else {
            throw BoxErrorReply.invalidParameter(
                "actionable_by", "'actionable_by.login' is required", reason: "missing_parameter")
        }
        guard ent == c.state.enterpriseID else { throw BoxErrorReply.notFound() }
        guard
            let invitee = c.state.order.first(where: {
                $0.user.isExternal && $0.user.login.lowercased() == login.lowercased()
            })?.user
        else { throw BoxErrorReply.notFound() }
        c.state.nextInviteID += 1
        let id = String(c.state.nextInviteID)
        let stamp = JSON.string(BoxTime.format(c.now))
        let invite: JSON = [
            "type": "invite", "id": .string(id),
            "invited_to": [
                "type": "enterprise", "id": .string(c.state.enterpriseID), "name": .string(c.state.enterpriseName),
            ],
            "actionable_by": invitee.mini, "invited_by": c.me.mini, "status": "pending", "created_at": stamp,
            "modified_at": stamp,
        ]
        c.state.invites[id] = invite
        return .json(200, project(invite, c.fields))
    }

    /// GET /invites/{invite_id}: the invite as POST /invites answered it; 404 for ids never issued.
    static func getInvite(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        guard let invite = c.state.invites[c.params["invite_id"] ?? ""] else { throw BoxErrorReply.notFound() }
        return .json(200, project(invite, c.fields))
    }

    /// With `fields=`, Box returns the mini representation (type, id) plus the fields asked for.
    private static func project(_ o: JSON, _ fields: [String]?) -> JSON {
        guard let fields else { return o }
        var out = JSONObject()
        for k in ["type", "id"] + fields where out[k] == nil {
            if let v = o[k] { out[k] = v }
        }
        return .object(out)
    }
}
