/// The parts of a snapshot beyond users and groups: email aliases, each user's owned root
/// folders with their collaborations, and the legal hold and retention policies with their
/// assignments (the seed's `email_aliases`, `folders`, `collaborations`, `legal_hold_policies`
/// and `retention_policies`; README, "Sandbox seed format").
import BoxClient
import BoxSandbox
import JSON

extension EnterpriseSnapshot {
    /// Each managed user's email aliases (external users have none Box shows an admin).
    /// Read several users at a time (`BoxClient.each`); the result is in the users' order.
    func readEmailAliases(users: [JSON]) throws -> [JSON] {
        var out: [JSON] = []
        let ids = users.filter(isManaged).compactMap { $0["id"]?.stringValue }
        let replies = try client.each(ids) { [client] id, done in
            client.startJSON(BoxRequest("GET", "/2.0/users/\(percentEncode(id))/email_aliases"), completion: done)
        }
        for (id, aliases) in zip(ids, replies) {
            for a in aliases["entries"]?.arrayValue ?? [] {
                guard let aid = a["id"]?.stringValue, let email = a["email"]?.stringValue else { continue }
                out.append(
                    [
                        "id": .string(aid), "user_id": .string(id), "email": .string(email),
                        "is_confirmed": a["is_confirmed"] ?? false,
                    ])
            }
        }
        return out
    }

    /// The folders each managed user owns in their All Files (read As-User, as Box shows
    /// them to the user), their collaborations, and the users those name that the listing
    /// did not (collaborators outside the enterprise), as external users. A user whose space
    /// used exceeds their folders' sizes owns items outside them: `owned_items` 1.
    ///
    /// Read in three rounds, each several requests at a time (`BoxClient.each`): every
    /// user's root folder, then every owned folder, then every folder's collaborations; the
    /// result is assembled in the users' and folders' order, as one-at-a-time reads gave it.
    func readContent(users: inout [JSON]) throws -> (folders: [JSON], collaborations: [JSON]) {
        var folders: [JSON] = []
        var collaborations: [JSON] = []
        var known = Set(users.compactMap { $0["id"]?.stringValue })
        var extra: [JSON] = []
        let owners = users.indices.compactMap { index -> (index: Int, id: String)? in
            guard isManaged(users[index]), let id = users[index]["id"]?.stringValue else { return nil }
            return (index, id)
        }
        let roots = try client.each(owners) { [client] owner, done in
            var root = BoxRequest("GET", "/2.0/folders/0/items", query: [("fields", "id,name,owned_by")])
            root.asUser = owner.id
            client.allEntries(root, mode: .offset(limit: 1000), completion: done)
        }
        // (owner, the root listing's entry) for every folder an owner owns, in order.
        let owned = zip(owners, roots).flatMap { owner, items in
            items.filter {
                $0["type"]?.stringValue == "folder" && $0["owned_by"]?["id"]?.stringValue == owner.id
                    && $0["id"]?.stringValue != nil
            }.map { (owner: owner, item: $0) }
        }
        let details = try client.each(owned) { [client] folder, done in
            var get = BoxRequest(
                "GET", "/2.0/folders/\(percentEncode(folder.item["id"]!.stringValue!))",
                query: [("fields", "id,name,owned_by,size,created_at,modified_at,item_collection")])
            get.asUser = folder.owner.id
            client.startJSON(get, completion: done)
        }
        let collaborationLists = try client.each(owned) { [client] folder, done in
            var list = BoxRequest(
                "GET", "/2.0/folders/\(percentEncode(folder.item["id"]!.stringValue!))/collaborations")
            list.asUser = folder.owner.id
            client.allEntries(list, mode: .marker(limit: 1000), completion: done)
        }
        var ownedSize: [Int: Int64] = [:]
        for (k, folderRead) in owned.enumerated() {
            let (owner, item, f) = (folderRead.owner.id, folderRead.item, details[k])
            let fid = item["id"]!.stringValue!
            let size = f["size"]?.intValue ?? 0
            ownedSize[folderRead.owner.index, default: 0] += size
            var folder = JSONObject()
            folder["id"] = .string(fid)
            folder["name"] = f["name"] ?? item["name"] ?? ""
            folder["owned_by"] = ["id": .string(owner)]
            folder["size"] = .int(size)
            // Its items are not copied: the folder keeps their count.
            folder["file_count"] = .int(f["item_collection"]?["total_count"]?.intValue ?? 0)
            for key in ["created_at", "modified_at"] { if let v = f[key], !v.isNull { folder[key] = v } }
            folders.append(.object(folder))
            for c in collaborationLists[k] {
                let who = c["accessible_by"] ?? .null
                // Group collaborations are not part of the seed format.
                guard let cid = c["id"]?.stringValue, who["type"]?.stringValue == "user",
                    let uid = who["id"]?.stringValue
                else { continue }
                if !known.contains(uid) {
                    known.insert(uid)
                    let login = who["login"]?.stringValue ?? ""
                    let name = who["name"]?.stringValue ?? ""
                    extra.append(
                        [
                            "id": .string(uid), "name": .string(name.isEmpty ? login : name),
                            "login": .string(login), "enterprise": .null,
                        ])
                }
                var o = JSONObject()
                o["id"] = .string(cid)
                o["item"] = ["type": "folder", "id": .string(fid)]
                o["accessible_by"] = ["type": "user", "id": .string(uid)]
                o["role"] = c["role"] ?? "editor"
                o["status"] = c["status"] ?? "accepted"
                if let by = c["created_by"]?["id"]?.stringValue, known.contains(by) {
                    o["created_by"] = ["id": .string(by)]
                }
                for key in ["created_at", "modified_at"] { if let v = c[key], !v.isNull { o[key] = v } }
                collaborations.append(.object(o))
            }
        }
        for owner in owners {
            let used = users[owner.index]["space_used"]?.intValue ?? 0
            if case .object(var u) = users[owner.index] {
                u["owned_items"] = .int(used > ownedSize[owner.index, default: 0] ? 1 : 0)
                users[owner.index] = .object(u)
            }
        }
        users += extra
        return (folders, collaborations)
    }

    /// Legal hold policies and retention policies with their assignments.
    func readPolicies() throws -> (legalHolds: [JSON], retention: [JSON]) {
        let holds = try all(
            BoxRequest(
                "GET", "/2.0/legal_hold_policies",
                query: [("fields", "id,policy_name,description,status,created_by,created_at")]),
            mode: .marker(limit: 1000))
        var legalHolds: [JSON] = []
        for h in holds {
            guard let id = h["id"]?.stringValue else { continue }
            let assignments = try all(
                BoxRequest(
                    "GET", "/2.0/legal_hold_policy_assignments",
                    query: [("policy_id", id), ("fields", "id,assigned_to,assigned_at")]),
                mode: .marker(limit: 1000))
            legalHolds.append(policy(h, ["policy_name", "description", "status"], assignments))
        }
        let policies = try all(
            BoxRequest(
                "GET", "/2.0/retention_policies",
                query: [
                    (
                        "fields",
                        "id,policy_name,description,policy_type,retention_length,disposition_action,status,created_by,created_at"
                    )
                ]),
            mode: .marker(limit: 1000))
        var retention: [JSON] = []
        for p in policies {
            guard let id = p["id"]?.stringValue else { continue }
            let assignments = try all(
                BoxRequest(
                    "GET", "/2.0/retention_policies/\(percentEncode(id))/assignments",
                    query: [("fields", "id,assigned_to,assigned_at")]),
                mode: .marker(limit: 1000))
            var fields = ["policy_name", "description", "policy_type", "disposition_action", "status"]
            if p["policy_type"]?.stringValue == "finite" { fields.append("retention_length") }
            retention.append(policy(p, fields, assignments))
        }
        return (legalHolds, retention)
    }

    /// A policy in the seed's shape: its fields as Box gives them, its creator by id, its
    /// assignments with their target.
    private func policy(_ p: JSON, _ fields: [String], _ assignments: [JSON]) -> JSON {
        var o = JSONObject()
        o["id"] = p["id"] ?? .null
        for f in fields { if let v = p[f], !v.isNull { o[f] = v } }
        if let by = p["created_by"]?["id"]?.stringValue { o["created_by"] = ["id": .string(by)] }
        if let at = p["created_at"], !at.isNull { o["created_at"] = at }
        o["assignments"] = .array(
            assignments.compactMap { a in
                guard let id = a["id"]?.stringValue, let to = a["assigned_to"], let type = to["type"]?.stringValue
                else { return nil }
                var out = JSONObject()
                out["id"] = .string(id)
                out["assigned_to"] = ["type": .string(type), "id": to["id"] ?? .null]
                if let at = a["assigned_at"], !at.isNull { out["assigned_at"] = at }
                return .object(out)
            })
        return .object(o)
    }

    /// A user of the enterprise (not external): one an admin may act as and read aliases of.
    func isManaged(_ user: JSON) -> Bool {
        guard let e = user["enterprise"] else { return true }
        return !e.isNull
    }
}
