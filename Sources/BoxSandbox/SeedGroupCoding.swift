/// The seed's groups, memberships, email aliases and verified domains, to JSON and back
/// (README, "Sandbox seed format"). Each is optional, so older seeds load unchanged.
import JSON

extension SeedCoding {
    static func encodeGroups(_ s: SandboxSeed, into o: inout JSONObject) {
        o["groups"] = .array(
            s.groups.map { g in
                var j = JSONObject()
                for f in SandboxGroup.fullFields where !["type", "group_type", "permissions"].contains(f) {
                    if let v = g.value(f) { j[f] = v }
                }
                return .object(j)
            })
        o["memberships"] = .array(
            s.memberships.map {
                [
                    "id": .string($0.id), "user_id": .string($0.userID), "group_id": .string($0.groupID),
                    "role": .string($0.role), "created_at": .string(BoxTime.format($0.createdAt)),
                    "modified_at": .string(BoxTime.format($0.modifiedAt)),
                ]
            })
        o["email_aliases"] = .array(
            s.emailAliases.map {
                [
                    "id": .string($0.id), "user_id": .string($0.userID), "email": .string($0.email),
                    "is_confirmed": .bool($0.isConfirmed),
                ]
            })
        o["verified_domains"] = .array(s.verifiedDomains.map { .string($0) })
    }

    static func decodeGroups(_ o: JSON, into seed: inout SandboxSeed) throws {
        seed.groups = try (o["groups"]?.arrayValue ?? []).enumerated().map { try decodeGroup($1, index: $0) }
        let users = Set(seed.users.map(\.id))
        let groups = Set(seed.groups.map(\.id))
        seed.memberships = try (o["memberships"]?.arrayValue ?? []).enumerated().map { n, m in
            let where_ = "memberships[\(n)]"
            var out = SandboxMembership(
                id: try string(m, "id", where_), userID: try string(m, "user_id", where_),
                groupID: try string(m, "group_id", where_), role: m["role"]?.stringValue ?? "member",
                createdAt: try time(m, "created_at", default: 1_577_865_600))
            out.modifiedAt = try time(m, "modified_at", default: out.createdAt)
            guard ["member", "admin"].contains(out.role) else {
                throw SandboxSeedError(message: "\(where_): 'role' must be member or admin")
            }
            guard users.contains(out.userID), groups.contains(out.groupID) else {
                throw SandboxSeedError(message: "\(where_): no user \(out.userID) or no group \(out.groupID)")
            }
            return out
        }
        seed.emailAliases = try (o["email_aliases"]?.arrayValue ?? []).enumerated().map { n, a in
            let where_ = "email_aliases[\(n)]"
            let alias = SandboxEmailAlias(
                id: try string(a, "id", where_), userID: try string(a, "user_id", where_),
                email: try string(a, "email", where_), isConfirmed: a["is_confirmed"]?.boolValue ?? false)
            guard users.contains(alias.userID) else {
                throw SandboxSeedError(message: "\(where_): no user \(alias.userID)")
            }
            return alias
        }
        seed.verifiedDomains = try (o["verified_domains"]?.arrayValue ?? []).map {
            guard let d = $0.stringValue else { throw SandboxSeedError(message: "verified_domains: strings only") }
            return d.lowercased()
        }
    }

    private static func decodeGroup(_ j: JSON, index: Int) throws -> SandboxGroup {
        let where_ = "groups[\(index)]"
        var g = SandboxGroup(id: try string(j, "id", where_), name: try string(j, "name", where_))
        g.description = j["description"]?.stringValue ?? ""
        g.provenance = j["provenance"]?.stringValue ?? ""
        g.externalSyncIdentifier = j["external_sync_identifier"]?.stringValue ?? ""
        for (key, level) in [
            ("invitability_level", \SandboxGroup.invitabilityLevel),
            ("member_viewability_level", \SandboxGroup.memberViewabilityLevel),
        ] {
            guard let v = j[key]?.stringValue else { continue }
            guard SandboxGroup.levels.contains(v) else {
                throw SandboxSeedError(
                    message: "\(where_): '\(key)' must be one of \(SandboxGroup.levels.joined(separator: ", "))")
            }
            g[keyPath: level] = v
        }
        g.createdAt = try time(j, "created_at", default: g.createdAt)
        g.modifiedAt = try time(j, "modified_at", default: g.createdAt)
        return g
    }
}
