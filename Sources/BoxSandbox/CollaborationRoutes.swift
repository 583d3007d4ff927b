/// GET, PUT and DELETE /collaborations/{id}: read one, change its role (or accept or reject
/// it), remove it.
import JSON

enum CollaborationRoutes {
    static func get(_ c: inout RequestContext) throws -> Reply {
        let (collab, _) = try find(c)
        return .json(200, projected(c.state.collaborationJSON(collab), c.fields))
    }

    /// PUT: `role` (one of Box's roles) and/or `status`. The collaborator may only answer a
    /// pending invite; the owner, a co-owner or editor, or an admin may change the role. Role
    /// `owner` hands the folder to the collaborator: this collaboration ends and the previous
    /// owner becomes a co-owner (spec, PUT /collaborations/{id} 204), answered 204.
    static func update(_ c: inout RequestContext) throws -> Reply {
        let (collab, folder) = try find(c)
        let body = try c.jsonBody()
        let role = try text(body, "role", SandboxCollaboration.roles)
        let status = try text(body, "status", ["pending", "accepted", "rejected"])
        guard role != nil || status != nil else {
            throw BoxErrorReply.invalidParameter("role", "'role' is required", reason: "missing_parameter")
        }
        let manager = FolderRoutes.canManage(c, folder)
        guard manager || (collab.userID == c.me.id && role == nil) else { throw BoxErrorReply.forbidden() }
        guard let i = c.state.content.collaborations.firstIndex(where: { $0.id == collab.id }) else {
            throw BoxErrorReply.notFound()
        }
        if role == "owner" {
            guard folder.ownerID == c.me.id || c.isPrivileged(c.me) else { throw BoxErrorReply.forbidden() }
            handOver(&c, collab, folder)
            return .empty(204)
        }
        if let role { c.state.content.collaborations[i].role = role }
        if let status { c.state.content.collaborations[i].status = status }
        c.state.content.collaborations[i].modifiedAt = c.now
        return .json(200, c.state.collaborationJSON(c.state.content.collaborations[i]))
    }

    /// DELETE: the owner, a co-owner or editor, an admin, or the collaborator (leaving) may.
    static func delete(_ c: inout RequestContext) throws -> Reply {
        let (collab, folder) = try find(c)
        guard FolderRoutes.canManage(c, folder) || collab.userID == c.me.id else { throw BoxErrorReply.forbidden() }
        c.state.content.collaborations.removeAll { $0.id == collab.id }
        return .empty(204)
    }

    private static func find(_ c: RequestContext) throws -> (SandboxCollaboration, SandboxFolder) {
        let id = c.params["collaboration_id"] ?? ""
        guard let collab = c.state.content.collaborations.first(where: { $0.id == id }),
            let folder = c.state.content.folder(collab.folderID)
        else { throw BoxErrorReply.notFound() }
        let mine = collab.userID == c.me.id
        guard mine || (try? FolderRoutes.visibleFolder(c, folder.id)) != nil else { throw BoxErrorReply.notFound() }
        return (collab, folder)
    }

    private static func text(_ body: JSONObject, _ key: String, _ allowed: [String]) throws -> String? {
        guard let v = body[key], !v.isNull else { return nil }
        guard let s = v.stringValue, allowed.contains(s) else {
            throw BoxErrorReply.invalidParameter(
                key, "Invalid value '\(v.stringValue ?? v.serialized())'. Allowed: \(allowed.joined(separator: ", "))")
        }
        return s
    }

    private static func handOver(_ c: inout RequestContext, _ collab: SandboxCollaboration, _ folder: SandboxFolder) {
        let previous = folder.ownerID
        c.state.content.collaborations.removeAll { $0.id == collab.id }
        if let f = c.state.content.folders.firstIndex(where: { $0.id == folder.id }) {
            c.state.content.folders[f].ownerID = collab.userID
        }
        var kept = SandboxCollaboration(
            id: c.state.nextContentID(), folderID: folder.id, userID: previous, createdByID: c.me.id,
            createdAt: c.now)
        kept.role = "co-owner"
        c.state.content.collaborations.append(kept)
    }
}
