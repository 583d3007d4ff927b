/// The seed's `folders`, `collaborations`, `legal_hold_policies` and `retention_policies`
/// (README, "Sandbox seed format"); all optional, so seeds written before them still load.
import JSON

enum ContentSeedCoding {
    static func encode(_ content: SandboxContent, into o: inout JSONObject) {
        o["folders"] = .array(content.folders.map(folder))
        o["collaborations"] = .array(content.collaborations.map(collaboration))
        o["legal_hold_policies"] = .array(
            content.legalHolds.map { h in
                [
                    "id": .string(h.id), "policy_name": .string(h.name), "description": .string(h.description),
                    "status": .string(h.status), "created_by": ["id": .string(h.createdByID)],
                    "created_at": .string(BoxTime.format(h.createdAt)),
                    "assignments": .array(h.assignments.map(assignment)),
                ]
            })
        o["retention_policies"] = .array(
            content.retentionPolicies.map { p in
                [
                    "id": .string(p.id), "policy_name": .string(p.name), "description": .string(p.description),
                    "policy_type": .string(p.policyType),
                    "retention_length": .string(p.retentionDays.map(String.init) ?? "indefinite"),
                    "disposition_action": .string(p.dispositionAction), "status": .string(p.status),
                    "created_by": ["id": .string(p.createdByID)], "created_at": .string(BoxTime.format(p.createdAt)),
                    "assignments": .array(p.assignments.map(assignment)),
                ]
            })
    }

    private static func folder(_ f: SandboxFolder) -> JSON {
        [
            "id": .string(f.id), "name": .string(f.name), "owned_by": ["id": .string(f.ownerID)],
            "parent": ["id": .string(f.parentID)], "size": .int(f.size), "file_count": .int(Int64(f.fileCount)),
            "created_at": .string(BoxTime.format(f.createdAt)), "modified_at": .string(BoxTime.format(f.modifiedAt)),
        ]
    }

    private static func collaboration(_ c: SandboxCollaboration) -> JSON {
        [
            "id": .string(c.id), "item": ["type": "folder", "id": .string(c.folderID)],
            "accessible_by": ["type": "user", "id": .string(c.userID)], "role": .string(c.role),
            "status": .string(c.status), "created_by": ["id": .string(c.createdByID)],
            "created_at": .string(BoxTime.format(c.createdAt)), "modified_at": .string(BoxTime.format(c.modifiedAt)),
        ]
    }

    private static func assignment(_ a: SandboxAssignment) -> JSON {
        [
            "id": .string(a.id), "assigned_to": ["type": .string(a.type), "id": a.itemID.map { .string($0) } ?? .null],
            "assigned_at": .string(BoxTime.format(a.assignedAt)),
        ]
    }

    static func decode(_ o: JSON, users: Set<String>, defaultCreator: String) throws -> SandboxContent {
        var content = SandboxContent()
        content.folders = try (o["folders"]?.arrayValue ?? []).enumerated().map {
            try decodeFolder($1, "folders[\($0)]", users)
        }
        let folderIDs = Set(content.folders.map(\.id))
        for f in content.folders where f.parentID != "0" && !folderIDs.contains(f.parentID) {
            throw SandboxSeedError(message: "folder \(f.id): no folder with id \(f.parentID) (parent)")
        }
        content.collaborations = try (o["collaborations"]?.arrayValue ?? []).enumerated().map {
            try decodeCollaboration($1, "collaborations[\($0)]", users, folderIDs, defaultCreator)
        }
        content.legalHolds = try (o["legal_hold_policies"]?.arrayValue ?? []).enumerated().map { n, j in
            let at = "legal_hold_policies[\(n)]"
            var h = SandboxLegalHold(
                id: try string(j, "id", at), name: try string(j, "policy_name", at),
                createdByID: j["created_by"]?["id"]?.stringValue ?? defaultCreator,
                createdAt: try time(j, "created_at", at))
            h.description = j["description"]?.stringValue ?? ""
            h.status = try oneOf(j, "status", SandboxLegalHold.statuses, at) ?? "active"
            h.assignments = try assignments(j, at, SandboxLegalHold.assignmentTypes, h.createdAt)
            return h
        }
        content.retentionPolicies = try (o["retention_policies"]?.arrayValue ?? []).enumerated().map { n, j in
            try decodeRetention(j, "retention_policies[\(n)]", defaultCreator)
        }
        return content
    }

    private static func decodeFolder(_ j: JSON, _ at: String, _ users: Set<String>) throws -> SandboxFolder {
        let owner = try string(j["owned_by"] ?? [:], "id", "\(at).owned_by")
        guard users.contains(owner) else {
            throw SandboxSeedError(message: "\(at): no user with id \(owner) (owned_by)")
        }
        var f = SandboxFolder(
            id: try digits(j, "id", at), name: try string(j, "name", at), ownerID: owner,
            createdAt: try time(j, "created_at", at))
        f.modifiedAt = try j["modified_at"] == nil ? f.createdAt : time(j, "modified_at", at)
        f.parentID = j["parent"]?["id"]?.stringValue ?? "0"
        f.size = j["size"]?.intValue ?? 0
        f.fileCount = Int(j["file_count"]?.intValue ?? 0)
        return f
    }

    private static func decodeCollaboration(
        _ j: JSON, _ at: String, _ users: Set<String>, _ folders: Set<String>, _ creator: String
    ) throws -> SandboxCollaboration {
        let folder = try string(j["item"] ?? [:], "id", "\(at).item")
        let who = try string(j["accessible_by"] ?? [:], "id", "\(at).accessible_by")
        guard folders.contains(folder) else { throw SandboxSeedError(message: "\(at): no folder with id \(folder)") }
        guard users.contains(who) else { throw SandboxSeedError(message: "\(at): no user with id \(who)") }
        var c = SandboxCollaboration(
            id: try digits(j, "id", at), folderID: folder, userID: who,
            createdByID: j["created_by"]?["id"]?.stringValue ?? creator, createdAt: try time(j, "created_at", at))
        c.modifiedAt = try j["modified_at"] == nil ? c.createdAt : time(j, "modified_at", at)
        c.role = try oneOf(j, "role", SandboxCollaboration.roles.filter { $0 != "owner" }, at) ?? "editor"
        c.status = try oneOf(j, "status", ["accepted", "pending", "rejected"], at) ?? "accepted"
        return c
    }

    private static func decodeRetention(_ j: JSON, _ at: String, _ creator: String) throws -> SandboxRetentionPolicy {
        var p = SandboxRetentionPolicy(
            id: try string(j, "id", at), name: try string(j, "policy_name", at),
            createdByID: j["created_by"]?["id"]?.stringValue ?? creator, createdAt: try time(j, "created_at", at))
        p.description = j["description"]?.stringValue ?? ""
        p.policyType = try oneOf(j, "policy_type", ["finite", "indefinite"], at) ?? "indefinite"
        if p.policyType == "finite" {
            guard let days = j["retention_length"]?.stringValue.flatMap({ Int($0) }), days > 0 else {
                throw SandboxSeedError(message: "\(at): a finite policy needs 'retention_length' (days, as a string)")
            }
            p.retentionDays = days
        }
        p.dispositionAction =
            try oneOf(j, "disposition_action", ["permanently_delete", "remove_retention"], at) ?? "remove_retention"
        p.status = try oneOf(j, "status", SandboxRetentionPolicy.statuses, at) ?? "active"
        p.assignments = try assignments(j, at, SandboxRetentionPolicy.assignmentTypes, p.createdAt)
        return p
    }

    private static func assignments(_ j: JSON, _ at: String, _ types: [String], _ created: Int64) throws
        -> [SandboxAssignment]
    {
        try (j["assignments"]?.arrayValue ?? []).enumerated().map { n, a in
            let where_ = "\(at).assignments[\(n)]"
            let to = a["assigned_to"] ?? [:]
            guard let type = to["type"]?.stringValue, types.contains(type) else {
                throw SandboxSeedError(
                    message: "\(where_): 'assigned_to.type' must be one of \(types.joined(separator: ", "))")
            }
            let item = to["id"]?.stringValue
            guard item != nil || type == "enterprise" else {
                throw SandboxSeedError(message: "\(where_): 'assigned_to.id' must be a string")
            }
            return SandboxAssignment(
                id: try string(a, "id", where_), type: type, itemID: item,
                assignedAt: a["assigned_at"] == nil ? created : try time(a, "assigned_at", where_))
        }
    }

    private static func string(_ j: JSON, _ key: String, _ at: String) throws -> String {
        guard let s = j[key]?.stringValue, !s.isEmpty else {
            throw SandboxSeedError(message: "\(at): '\(key)' must be a string")
        }
        return s
    }

    private static func digits(_ j: JSON, _ key: String, _ at: String) throws -> String {
        let s = try string(j, key, at)
        guard s.allSatisfy(\.isASCII), Int64(s) != nil else {
            throw SandboxSeedError(message: "\(at): '\(key)' must be digits")
        }
        return s
    }

    private static func oneOf(_ j: JSON, _ key: String, _ allowed: [String], _ at: String) throws -> String? {
        guard let v = j[key], !v.isNull else { return nil }
        guard let s = v.stringValue, allowed.contains(s) else {
            throw SandboxSeedError(message: "\(at): '\(key)' must be one of \(allowed.joined(separator: ", "))")
        }
        return s
    }

    private static func time(_ j: JSON, _ key: String, _ at: String) throws -> Int64 {
        guard let v = j[key], !v.isNull else { return 1_577_865_600 }
        guard let s = v.stringValue, let t = BoxTime.parse(s) else {
            throw SandboxSeedError(message: "\(at): '\(key)' must be a date-time like 2024-01-31T09:00:00-08:00")
        }
        return t
    }
}
