/// Reading folders: GET /folders/{id}, /folders/{id}/items (folder 0: the acting user's root,
/// so `As-User` shows a user's All Files) and /folders/{id}/collaborations.
import JSON

enum FolderRoutes {
    /// GET /folders/{id}: Folder--Full (with `fields=`, type and id plus those fields).
    static func get(_ c: inout RequestContext) throws -> Reply {
        let id = c.params["folder_id"] ?? ""
        if id == "0" { return .json(200, projected(.object(root(c)), c.fields)) }
        let f = try visibleFolder(c, id)
        return .json(200, projected(.object(c.state.folderFull(f)), c.fields))
    }

    /// GET /folders/{id}/items: the child folders (folder 0: the root of the acting user), offset
    /// paged, each Folder--Mini plus any `fields=` asked for.
    static func items(_ c: inout RequestContext) throws -> Reply {
        let id = c.params["folder_id"] ?? ""
        let children: [SandboxFolder]
        if id == "0" {
            children = c.state.content.root(of: c.me.id)
        } else {
            children = c.state.content.children(of: try visibleFolder(c, id).id)
        }
        let limit = min(max(try c.integer("limit") ?? 100, 1), 1000)
        let offset = try UserRoutes.checkedOffset(c)
        let sorted = children.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
        let page = sorted.dropFirst(offset).prefix(limit).map { f -> JSON in
            guard let fields = c.fields else { return c.state.folderMini(f) }
            var o = c.state.folderMini(f).objectValue ?? JSONObject()
            let full = c.state.folderFull(f)
            for k in fields where o[k] == nil { if let v = full[k] { o[k] = v } }
            return .object(o)
        }
        return .json(
            200,
            [
                "total_count": .int(Int64(sorted.count)), "entries": .array(page), "offset": .int(Int64(offset)),
                "limit": .int(Int64(limit)),
                "order": [["by": "type", "direction": "ASC"], ["by": "name", "direction": "ASC"]],
            ])
    }

    /// GET /folders/{id}/collaborations: pending and accepted collaborations (not the owner),
    /// for the owner, a co-owner or editor, or an admin.
    static func collaborations(_ c: inout RequestContext) throws -> Reply {
        let f = try visibleFolder(c, c.params["folder_id"] ?? "")
        guard canManage(c, f) else { throw BoxErrorReply.forbidden() }
        let list = c.state.content.collaborations.filter { $0.folderID == f.id && $0.status != "rejected" }
        let all = list.map { projected(c.state.collaborationJSON($0), c.fields) }
        return .json(200, try MarkerPaging.page(all, c))
    }

    /// The acting user's All Files.
    private static func root(_ c: RequestContext) -> JSONObject {
        let owner = c.me
        var f = SandboxFolder(id: "0", name: "All Files", ownerID: owner.id, createdAt: owner.createdAt)
        f.size = owner.spaceUsed
        var o = c.state.folderFull(f)
        let items = c.state.content.root(of: owner.id)
        o["sequence_id"] = .null
        o["etag"] = .null
        o["path_collection"] = ["total_count": 0, "entries": []]
        o["parent"] = .null
        o["item_collection"] = [
            "total_count": .int(Int64(items.count)), "entries": .array(items.map(c.state.folderMini)), "offset": 0,
            "limit": 100, "order": [["by": "type", "direction": "ASC"], ["by": "name", "direction": "ASC"]],
        ]
        return o
    }

    /// A folder the acting user may see: theirs, shared with them, or any for an admin;
    /// others are 404 as in Box (it does not tell which folders exist).
    static func visibleFolder(_ c: RequestContext, _ id: String) throws -> SandboxFolder {
        guard let f = c.state.content.folder(id) else { throw BoxErrorReply.notFound() }
        if f.ownerID == c.me.id || c.isPrivileged(c.me) { return f }
        let shared = c.state.content.collaborations.contains {
            $0.folderID == id && $0.userID == c.me.id && $0.status == "accepted"
        }
        guard shared else { throw BoxErrorReply.notFound() }
        return f
    }

    /// Whether the acting user may see and change the folder's collaborations.
    static func canManage(_ c: RequestContext, _ f: SandboxFolder) -> Bool {
        if f.ownerID == c.me.id || c.isPrivileged(c.me) { return true }
        return c.state.content.collaborations.contains {
            $0.folderID == f.id && $0.userID == c.me.id && $0.status == "accepted"
                && ($0.role == "co-owner" || $0.role == "editor")
        }
    }
}
