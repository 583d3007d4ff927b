/// Folders, collaborations and policies in Box's JSON shapes (Folder--Mini and Folder--Full,
/// Collaboration, LegalHoldPolicy, RetentionPolicy and their assignments), and the marker
/// paging their listings share.
import JSON
import Signing

extension SandboxState {
    /// A user's mini form; a deleted user keeps its id (Box keeps ids in old records).
    func userMini(_ id: String) -> JSON {
        user(id)?.mini ?? ["type": "user", "id": .string(id), "name": "", "login": ""]
    }

    func folderMini(_ f: SandboxFolder) -> JSON {
        ["type": "folder", "id": .string(f.id), "sequence_id": "0", "etag": "0", "name": .string(f.name)]
    }

    static let rootMini: JSON = ["type": "folder", "id": "0", "sequence_id": nil, "etag": nil, "name": "All Files"]

    /// Folder--Full. The item collection lists the child folders; its total counts the files too.
    func folderFull(_ f: SandboxFolder) -> JSONObject {
        var path: [JSON] = [Self.rootMini]
        var parent: JSON = Self.rootMini
        if let p = content.folder(f.parentID) {
            parent = folderMini(p)
            path.append(parent)
        }
        let children = content.children(of: f.id)
        var o = JSONObject()
        o["type"] = "folder"
        o["id"] = .string(f.id)
        o["sequence_id"] = "0"
        o["etag"] = "0"
        o["name"] = .string(f.name)
        o["created_at"] = .string(BoxTime.format(f.createdAt))
        o["modified_at"] = .string(BoxTime.format(f.modifiedAt))
        o["description"] = ""
        o["size"] = .int(f.size)
        o["path_collection"] = ["total_count": .int(Int64(path.count)), "entries": .array(path)]
        o["created_by"] = userMini(f.ownerID)
        o["modified_by"] = userMini(f.ownerID)
        o["trashed_at"] = .null
        o["purged_at"] = .null
        o["content_created_at"] = .string(BoxTime.format(f.createdAt))
        o["content_modified_at"] = .string(BoxTime.format(f.modifiedAt))
        o["owned_by"] = userMini(f.ownerID)
        o["shared_link"] = .null
        o["folder_upload_email"] = .null
        o["parent"] = parent
        o["item_status"] = "active"
        o["item_collection"] = [
            "total_count": .int(Int64(children.count + f.fileCount)), "entries": .array(children.map(folderMini)),
            "offset": 0, "limit": 100,
            "order": [["by": "type", "direction": "ASC"], ["by": "name", "direction": "ASC"]],
        ]
        return o
    }

    func collaborationJSON(_ c: SandboxCollaboration) -> JSON {
        var who = JSONObject()
        who["type"] = "user"
        who["id"] = .string(c.userID)
        let u = user(c.userID)
        // A pending collaborator's name is empty (spec, User--Collaborations).
        who["name"] = .string(c.status == "pending" ? "" : u?.name ?? "")
        who["login"] = .string(u?.login ?? "")
        who["is_active"] = .bool(u?.status == "active")
        var o = JSONObject()
        o["type"] = "collaboration"
        o["id"] = .string(c.id)
        o["item"] = content.folder(c.folderID).map(folderMini) ?? .null
        o["accessible_by"] = .object(who)
        o["invite_email"] = .null
        o["role"] = .string(c.role)
        o["expires_at"] = .null
        o["is_access_only"] = false
        o["status"] = .string(c.status)
        if c.status != "pending" { o["acknowledged_at"] = .string(BoxTime.format(c.createdAt)) }
        o["created_by"] = userMini(c.createdByID)
        o["created_at"] = .string(BoxTime.format(c.createdAt))
        o["modified_at"] = .string(BoxTime.format(c.modifiedAt))
        return .object(o)
    }

    func legalHoldJSON(_ h: SandboxLegalHold) -> JSON {
        var counts = JSONObject()
        for t in ["user", "folder", "file", "file_version"] {
            counts[t] = .int(Int64(h.assignments.filter { $0.type == t }.count))
        }
        var o = JSONObject()
        o["type"] = "legal_hold_policy"
        o["id"] = .string(h.id)
        o["policy_name"] = .string(h.name)
        o["description"] = .string(h.description)
        o["status"] = .string(h.status)
        o["assignment_counts"] = .object(counts)
        o["created_by"] = userMini(h.createdByID)
        o["created_at"] = .string(BoxTime.format(h.createdAt))
        o["modified_at"] = .string(BoxTime.format(h.createdAt))
        return .object(o)
    }

    func legalHoldAssignmentJSON(_ a: SandboxAssignment, _ h: SandboxLegalHold) -> JSON {
        [
            "type": "legal_hold_policy_assignment", "id": .string(a.id),
            "legal_hold_policy": ["type": "legal_hold_policy", "id": .string(h.id)],
            "assigned_to": ["type": .string(a.type), "id": .string(a.itemID ?? "")],
            "assigned_by": userMini(h.createdByID), "assigned_at": .string(BoxTime.format(a.assignedAt)),
        ]
    }

    func retentionPolicyJSON(_ p: SandboxRetentionPolicy) -> JSON {
        var counts = JSONObject()
        for t in SandboxRetentionPolicy.assignmentTypes {
            counts[t] = .int(Int64(p.assignments.filter { $0.type == t }.count))
        }
        var o = retentionMini(p).objectValue ?? JSONObject()
        o["max_extension_length"] = "none"
        o["description"] = .string(p.description)
        o["policy_type"] = .string(p.policyType)
        o["retention_type"] = "modifiable"
        o["status"] = .string(p.status)
        o["created_by"] = userMini(p.createdByID)
        o["created_at"] = .string(BoxTime.format(p.createdAt))
        o["modified_at"] = .string(BoxTime.format(p.createdAt))
        o["can_owner_extend_retention"] = false
        o["are_owners_notified"] = false
        o["custom_notification_recipients"] = []
        o["assignment_counts"] = .object(counts)
        return .object(o)
    }

    private func retentionMini(_ p: SandboxRetentionPolicy) -> JSON {
        [
            "type": "retention_policy", "id": .string(p.id), "policy_name": .string(p.name),
            "retention_length": .string(p.retentionDays.map(String.init) ?? "indefinite"),
            "disposition_action": .string(p.dispositionAction),
        ]
    }

    func retentionAssignmentJSON(_ a: SandboxAssignment, _ p: SandboxRetentionPolicy) -> JSON {
        [
            "type": "retention_policy_assignment", "id": .string(a.id), "retention_policy": retentionMini(p),
            "assigned_to": ["type": .string(a.type), "id": a.itemID.map { .string($0) } ?? .null],
            "filter_fields": [], "assigned_by": userMini(p.createdByID),
            "assigned_at": .string(BoxTime.format(a.assignedAt)), "start_date_field": "upload_date",
        ]
    }
}

/// Marker paging over a list held in memory: the marker names the offset it resumes at.
enum MarkerPaging {
    /// `{"entries": [...], "limit": N, "next_marker": ...}` for the page `c` asks for.
    static func page(_ all: [JSON], _ c: RequestContext, maxLimit: Int = 1000) throws -> JSON {
        let limit = min(max(try c.integer("limit") ?? 100, 1), maxLimit)
        var start = 0
        if let m = c.query("marker"), !m.isEmpty {
            guard let bytes = Base64URL.decode(m), let j = try? JSON.parse(bytes), let n = j["offset"]?.intValue,
                n >= 0
            else {
                throw BoxErrorReply.invalidParameter("marker", "Invalid value '\(m)'. The marker is not valid")
            }
            start = Int(n)
        }
        let end = min(start + limit, all.count)
        let entries = start < end ? Array(all[start..<end]) : []
        let next: JSON = end < all.count ? .string(Base64URL.encode("{\"offset\":\(end)}")) : .null
        return ["entries": .array(entries), "limit": .int(Int64(limit)), "next_marker": next]
    }
}

/// `fields=a,b`: the mini representation (type, id) plus the fields asked for, in that order.
func projected(_ o: JSON, _ fields: [String]?) -> JSON {
    guard let fields else { return o }
    var out = JSONObject()
    for k in ["type", "id"] + fields where out[k] == nil {
        if let v = o[k] { out[k] = v }
    }
    return .object(out)
}
