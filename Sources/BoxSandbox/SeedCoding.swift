/// Seed JSON to `SandboxSeed` and back. Users are Box's User--Full JSON plus `owned_items`.
import JSON

enum SeedCoding {
    static func encode(_ s: SandboxSeed) -> JSON {
        var o = JSONObject()
        o["boxlua_sandbox_seed"] = 1
        o["enterprise"] = ["id": .string(s.enterpriseID), "name": .string(s.enterpriseName)]
        o["app"] = ["client_id": .string(s.clientID), "client_secret": .string(s.clientSecret)]
        o["admin_user_id"] = .string(s.adminUserID)
        o["service_account_user_id"] = .string(s.serviceAccountUserID)
        o["users"] = .array(
            s.users.map { u in
                var j = u.fullJSON(enterpriseName: s.enterpriseName)
                j["owned_items"] = .int(Int64(u.ownedItems))
                return .object(j)
            })
        encodeGroups(s, into: &o)
        o["events"] = .array(
            s.events.map {
                var e: JSONObject = JSONObject([
                    ("event_id", .string($0.eventID)), ("event_type", .string($0.eventType)),
                    ("created_at", .string(BoxTime.format($0.createdAt))),
                    ("user", ["id": .string($0.userID), "name": .string($0.userName), "login": .string($0.userLogin)]),
                    ("ip_address", .string($0.ipAddress)),
                ])
                if let s = $0.source {
                    e["source"] = ["id": .string(s.id), "name": .string(s.name), "login": .string(s.login)]
                }
                return .object(e)
            })
        ContentSeedCoding.encode(s.content, into: &o)
        return .object(o)
    }

    static func decode(_ j: JSON) throws -> SandboxSeed {
        guard case .object = j else { throw SandboxSeedError(message: "the seed must be a JSON object") }
        let o = j
        let ent = o["enterprise"]
        let enterpriseID = ent?["id"]?.stringValue ?? "1000001"
        var seed = SandboxSeed(
            enterpriseID: enterpriseID, enterpriseName: ent?["name"]?.stringValue ?? "Sandbox Enterprise",
            clientID: o["app"]?["client_id"]?.stringValue ?? "sandboxclientid0000000000000000",
            clientSecret: o["app"]?["client_secret"]?.stringValue ?? "sandboxclientsecret00000000000",
            adminUserID: try string(o, "admin_user_id", "seed"),
            serviceAccountUserID: try string(o, "service_account_user_id", "seed"), users: [])
        var nextID: Int64 = 40_000_000_000
        for (n, u) in (o["users"]?.arrayValue ?? []).enumerated() {
            let user = try decodeUser(u, index: n, enterpriseID: enterpriseID, nextID: &nextID)
            seed.users.append(user)
        }
        for id in [seed.adminUserID, seed.serviceAccountUserID] where !seed.users.contains(where: { $0.id == id }) {
            throw SandboxSeedError(message: "no user with id \(id) (admin_user_id / service_account_user_id)")
        }
        try decodeGroups(o, into: &seed)
        seed.events = try (o["events"]?.arrayValue ?? []).map(decodeEvent).sorted { $0.createdAt < $1.createdAt }
        seed.content = try ContentSeedCoding.decode(
            o, users: Set(seed.users.map(\.id)), defaultCreator: seed.adminUserID)
        if let extra = o["extra_users"]?.intValue, extra > 0 { DemoEnterprise.addBulkUsers(Int(extra), to: &seed) }
        return seed
    }

    static func string(_ j: JSON, _ key: String, _ what: String) throws -> String {
        guard let s = j[key]?.stringValue else { throw SandboxSeedError(message: "\(what): '\(key)' must be a string") }
        return s
    }

    static func time(_ j: JSON, _ key: String, default d: Int64) throws -> Int64 {
        guard let v = j[key], !v.isNull else { return d }
        guard let s = v.stringValue, let t = BoxTime.parse(s) else {
            throw SandboxSeedError(message: "'\(key)' must be a date-time like 2024-01-31T09:00:00-08:00")
        }
        return t
    }

    static func decodeUser(_ u: JSON, index: Int, enterpriseID: String, nextID: inout Int64) throws -> SandboxUser {
        guard case .object = u else { throw SandboxSeedError(message: "users[\(index)] must be an object") }
        let id: String
        if let s = u["id"]?.stringValue { id = s } else { nextID += 1; id = String(nextID) }
        guard Int64(id) != nil else { throw SandboxSeedError(message: "users[\(index)]: 'id' must be digits") }
        let name = try string(u, "name", "users[\(index)]")
        let ent: String? =
            u["enterprise"].map { $0.isNull ? nil : ($0["id"]?.stringValue ?? enterpriseID) } ?? enterpriseID
        var user = SandboxUser(
            id: id, name: name, login: u["login"]?.stringValue ?? "",
            createdAt: try time(u, "created_at", default: 1_577_865_600),
            enterpriseID: ent)
        user.modifiedAt = try time(u, "modified_at", default: user.createdAt)
        do {
            try UserFields.apply(u.objectValue ?? JSONObject(), to: &user, creating: true, seed: true)
        } catch let e as BoxErrorReply {
            let detail = e.contextInfo?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? e.message
            throw SandboxSeedError(message: "users[\(index)]: \(detail)")
        }
        if let n = u["owned_items"]?.intValue { user.ownedItems = Int(n) }
        return user
    }

    private static func decodeEvent(_ e: JSON) throws -> SandboxEvent {
        let u = e["user"] ?? [:]
        return SandboxEvent(
            eventID: try string(e, "event_id", "event"), eventType: e["event_type"]?.stringValue ?? "LOGIN",
            createdAt: try time(e, "created_at", default: 0), userID: try string(u, "id", "event user"),
            userName: u["name"]?.stringValue ?? "", userLogin: u["login"]?.stringValue ?? "",
            ipAddress: e["ip_address"]?.stringValue ?? "Unknown IP",
            source: try e["source"].map {
                SandboxEventUser(
                    id: try string($0, "id", "event source"), name: $0["name"]?.stringValue ?? "",
                    login: $0["login"]?.stringValue ?? "")
            })
    }
}
