/// Groups: GET and POST /groups, GET, PUT and DELETE /groups/{id}, GET /groups/{id}/memberships.
/// Rules and their sources: README, "The sandbox" (groups).
import JSON

enum GroupRoutes {
    static func list(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let (offset, limit) = try c.offsetPage()
        let term = c.query("filter_term")?.lowercased() ?? ""
        let all = c.state.sortedGroups.filter { term.isEmpty || $0.name.lowercased().hasPrefix(term) }
        let page = all.dropFirst(offset).prefix(limit).map { $0.json(fields: c.fields) }
        return .json(200, collection(page, total: all.count, offset: offset, limit: limit))
    }

    static func get(_ c: inout RequestContext) throws -> Reply {
        let g = try c.group(c.params["group_id"] ?? "")
        guard c.isPrivileged(c.me) || c.membership(of: c.me.id, in: g.id) != nil else {
            throw BoxErrorReply.forbidden()
        }
        return .json(200, g.json(fields: c.fields, variant: SandboxGroup.fullFields))
    }

    static func create(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let body = try c.jsonBody()
        guard body["name"] != nil else {
            throw BoxErrorReply.invalidParameter("name", "'name' is required", reason: "missing_parameter")
        }
        var g = SandboxGroup(id: "", name: "")
        try apply(body, to: &g)
        try checkUnique(g.name, except: nil, c)
        g.id = c.state.newObjectID()
        g.createdAt = c.now
        g.modifiedAt = c.now
        c.state.groups[g.id] = g
        return .json(201, g.json(fields: c.fields, variant: SandboxGroup.fullFields))
    }

    static func update(_ c: inout RequestContext) throws -> Reply {
        var g = try c.group(c.params["group_id"] ?? "")
        guard c.isPrivileged(c.me) || c.membership(of: c.me.id, in: g.id)?.role == "admin" else {
            throw BoxErrorReply.forbidden()
        }
        try apply(try c.jsonBody(), to: &g)
        try checkUnique(g.name, except: g.id, c)
        g.modifiedAt = c.now
        c.state.groups[g.id] = g
        return .json(200, g.json(fields: c.fields, variant: SandboxGroup.fullFields))
    }

    /// Deleting a group ends its memberships.
    static func delete(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let g = try c.group(c.params["group_id"] ?? "")
        c.state.groups[g.id] = nil
        c.state.memberships.removeAll { $0.groupID == g.id }
        return .empty(204)
    }

    static func members(_ c: inout RequestContext) throws -> Reply {
        let g = try c.group(c.params["group_id"] ?? "")
        guard c.isPrivileged(c.me) || c.membership(of: c.me.id, in: g.id) != nil else {
            throw BoxErrorReply.forbidden()
        }
        let (offset, limit) = try c.offsetPage()
        let all = c.state.memberships.filter { $0.groupID == g.id }
        let page = all.dropFirst(offset).prefix(limit).map(c.state.membershipJSON)
        return .json(200, collection(Array(page), total: all.count, offset: offset, limit: limit))
    }

    static func collection(_ entries: [JSON], total: Int, offset: Int, limit: Int) -> JSON {
        [
            "total_count": .int(Int64(total)), "entries": .array(entries), "offset": .int(Int64(offset)),
            "limit": .int(Int64(limit)),
        ]
    }

    /// The writable fields of a POST or PUT body; Box ignores fields it does not know.
    private static func apply(_ body: JSONObject, to g: inout SandboxGroup) throws {
        for (key, value) in body {
            switch key {
            case "name":
                guard let s = value.stringValue, s.contains(where: { !$0.isWhitespace }) else {
                    throw BoxErrorReply.invalidParameter("name", "'name' must be a non-empty string")
                }
                g.name = s
            case "description": g.description = try text(key, value, max: 255)
            case "provenance": g.provenance = try text(key, value, max: 255)
            case "external_sync_identifier": g.externalSyncIdentifier = try text(key, value, max: 255)
            case "invitability_level": g.invitabilityLevel = try level(key, value)
            case "member_viewability_level": g.memberViewabilityLevel = try level(key, value)
            default: continue
            }
        }
    }

    private static func text(_ key: String, _ v: JSON, max: Int) throws -> String {
        guard let s = v.stringValue, s.count <= max else {
            throw BoxErrorReply.invalidParameter(key, "'\(key)' must be a string of at most \(max) characters")
        }
        return s
    }

    private static func level(_ key: String, _ v: JSON) throws -> String {
        guard let s = v.stringValue, SandboxGroup.levels.contains(s) else {
            throw BoxErrorReply.invalidParameter(
                key,
                "Invalid value '\(v.stringValue ?? v.serialized())'. Allowed: \(SandboxGroup.levels.joined(separator: ", "))"
            )
        }
        return s
    }

    /// Group names are unique in the enterprise, ignoring case: Box answers a second one with
    /// 409 `conflict` naming `group_tag_name` (box/box-windows-sdk-v2#571).
    private static func checkUnique(_ name: String, except id: String?, _ c: RequestContext) throws {
        let n = name.lowercased()
        guard c.state.groups.values.contains(where: { $0.id != id && $0.name.lowercased() == n }) else { return }
        throw BoxErrorReply.conflict(
            "Group with the same name already exists", parameter: "group_tag_name",
            detail: "Invalid value '\(name)'. A resource with value '\(name)' already exists")
    }
}

extension RequestContext {
    func group(_ id: String) throws -> SandboxGroup {
        guard let g = state.groups[id] else { throw BoxErrorReply.notFound() }
        return g
    }

    func membership(of userID: String, in groupID: String) -> SandboxMembership? {
        state.memberships.first { $0.userID == userID && $0.groupID == groupID }
    }

    /// `offset` (at most 10,000, else Box's 400) and `limit` (1...1000, default 100).
    func offsetPage() throws -> (offset: Int, limit: Int) {
        let limit = min(max(try integer("limit") ?? 100, 1), 1000)
        return (try UserRoutes.checkedOffset(self), limit)
    }
}

extension SandboxState {
    /// Groups in id order (the listing order; new groups come last).
    var sortedGroups: [SandboxGroup] {
        groups.values.sorted { (Int64($0.id) ?? 0, $0.id) < (Int64($1.id) ?? 0, $1.id) }
    }
}
