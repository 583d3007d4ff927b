/// PUT /users/{id}/folders/0: moves everything a user owns into a new folder in the
/// destination's root and answers with that folder (Folder--Full).
import JSON

enum TransferRoute {
    static func transfer(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let source = try c.user(c.params["user_id"] ?? "")
        let body = try c.jsonBody()
        _ = try c.bool("notify")
        guard let destID = body["owned_by"]?["id"]?.stringValue else {
            throw BoxErrorReply.invalidParameter("owned_by", "'owned_by.id' is required", reason: "missing_parameter")
        }
        let dest = try c.user(destID)
        guard dest.id != source.id, !dest.isExternal else {
            throw BoxErrorReply.invalidParameter(
                "owned_by", "Invalid value '\(destID)'. The destination must be another user of the enterprise")
        }
        if c.me.role != "admin" && c.me.id != c.state.serviceAccountUserID
            && (source.role == "admin" || dest.role == "admin")
        {
            throw BoxErrorReply(
                status: 403, code: "forbidden", message: "Cannot transfer files from/to higher privileged accounts")
        }
        // The new folder is made at once; the content moves into it now or, with the
        // transfer_pending fault, once the pending time is over.
        let made = SandboxFolder(
            id: c.state.nextContentID(), name: "\(source.name)'s Files and Folders", ownerID: dest.id,
            createdAt: c.now)
        c.state.content.folders.append(made)
        let pending = c.faults.transferPendingSeconds
        if pending > 0 && c.state.ownsContent(source.id, now: c.now) {
            c.state.pendingTransfers[source.id] = (c.now + Int64(pending), dest.id, made.id)
        } else {
            c.state.moveContent(from: source.id, to: dest.id, into: made.id)
        }
        return .json(
            200,
            folder(id: made.id, source: source, dest: dest, actor: c.me, now: c.now, size: source.spaceUsed))
    }

    static func folder(id: String, source: SandboxUser, dest: SandboxUser, actor: SandboxUser, now: Int64, size: Int64)
        -> JSON
    {
        let stamp = JSON.string(BoxTime.format(now))
        let root: JSON = ["type": "folder", "id": "0", "sequence_id": nil, "etag": nil, "name": "All Files"]
        var o = JSONObject()
        o["type"] = "folder"
        o["id"] = .string(id)
        o["sequence_id"] = "0"
        o["etag"] = "0"
        o["name"] = .string("\(source.name)'s Files and Folders")
        o["created_at"] = stamp
        o["modified_at"] = stamp
        o["description"] = ""
        o["size"] = .int(size)
        o["path_collection"] = ["total_count": 1, "entries": [root]]
        o["created_by"] = actor.mini
        o["modified_by"] = actor.mini
        o["trashed_at"] = .null
        o["purged_at"] = .null
        o["content_created_at"] = stamp
        o["content_modified_at"] = stamp
        o["owned_by"] = dest.mini
        o["shared_link"] = .null
        o["folder_upload_email"] = .null
        o["parent"] = root
        o["item_status"] = "active"
        o["item_collection"] = [
            "total_count": 0, "entries": [], "offset": 0, "limit": 100,
            "order": [["by": "type", "direction": "ASC"], ["by": "name", "direction": "ASC"]],
        ]
        return .object(o)
    }
}
