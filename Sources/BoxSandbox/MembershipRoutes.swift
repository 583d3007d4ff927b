/// Group memberships: POST /group_memberships, GET, PUT and DELETE /group_memberships/{id},
/// GET /users/{id}/memberships.
import JSON

enum MembershipRoutes {
    static func create(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let body = try c.jsonBody()
        guard let userID = body["user"]?["id"]?.stringValue else {
            throw BoxErrorReply.invalidParameter("user", "'user.id' is required", reason: "missing_parameter")
        }
        guard let groupID = body["group"]?["id"]?.stringValue else {
            throw BoxErrorReply.invalidParameter("group", "'group.id' is required", reason: "missing_parameter")
        }
        let role = try body["role"].map(role) ?? "member"
        let user = try c.user(userID)
        let group = try c.group(groupID)
        guard !user.isExternal else { throw BoxErrorReply.forbidden() }
        guard c.membership(of: user.id, in: group.id) == nil else {
            throw BoxErrorReply.conflict(
                "User is already a member of this group", parameter: "user",
                detail: "User \(user.id) is already a member of group \(group.id)")
        }
        let m = SandboxMembership(
            id: c.state.newObjectID(), userID: user.id, groupID: group.id, role: role, createdAt: c.now)
        c.state.memberships.append(m)
        return .json(201, c.state.membershipJSON(m))
    }

    static func get(_ c: inout RequestContext) throws -> Reply {
        let m = try groupAdminsMembership(c)
        return .json(200, c.state.membershipJSON(m))
    }

    static func update(_ c: inout RequestContext) throws -> Reply {
        var m = try groupAdminsMembership(c)
        let body = try c.jsonBody()
        if let r = body["role"] { m.role = try role(r) }
        m.modifiedAt = c.now
        if let i = c.state.memberships.firstIndex(where: { $0.id == m.id }) { c.state.memberships[i] = m }
        return .json(200, c.state.membershipJSON(m))
    }

    static func delete(_ c: inout RequestContext) throws -> Reply {
        let m = try groupAdminsMembership(c)
        c.state.memberships.removeAll { $0.id == m.id }
        return .empty(204)
    }

    /// The groups a user belongs to, in the order they joined.
    static func ofUser(_ c: inout RequestContext) throws -> Reply {
        let id = c.params["user_id"] ?? ""
        _ = try c.user(id)
        guard c.isPrivileged(c.me) || c.me.id == id else { throw BoxErrorReply.forbidden() }
        let (offset, limit) = try c.offsetPage()
        let all = c.state.memberships.filter { $0.userID == id }
        let page = all.dropFirst(offset).prefix(limit).map(c.state.membershipJSON)
        return .json(200, GroupRoutes.collection(Array(page), total: all.count, offset: offset, limit: limit))
    }

    /// The membership of the path; only enterprise admins and the group's admins may see or
    /// change it (spec: "Only admins of this group or users with admin-level permissions").
    private static func groupAdminsMembership(_ c: RequestContext) throws -> SandboxMembership {
        let id = c.params["group_membership_id"] ?? ""
        guard let m = c.state.memberships.first(where: { $0.id == id }) else { throw BoxErrorReply.notFound() }
        guard c.isPrivileged(c.me) || c.membership(of: c.me.id, in: m.groupID)?.role == "admin" else {
            throw BoxErrorReply.forbidden()
        }
        return m
    }

    private static func role(_ v: JSON) throws -> String {
        guard let s = v.stringValue, ["member", "admin"].contains(s) else {
            throw BoxErrorReply.invalidParameter(
                "role", "Invalid value '\(v.stringValue ?? v.serialized())'. Allowed: member, admin")
        }
        return s
    }
}
