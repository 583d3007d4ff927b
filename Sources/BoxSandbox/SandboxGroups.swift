/// Groups, group memberships and email aliases as the sandbox keeps them, and their JSON in
/// Box's shapes (Group standard/full/mini, GroupMembership, EmailAlias).
import JSON

public struct SandboxGroup: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description = ""
    public var provenance = ""
    public var externalSyncIdentifier = ""
    public var invitabilityLevel = "admins_only"
    public var memberViewabilityLevel = "admins_only"
    public var createdAt: Int64 = 1_577_865_600
    public var modifiedAt: Int64 = 1_577_865_600

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    static let levels = ["admins_only", "admins_and_members", "all_managed_users"]
    static let standardFields = ["type", "id", "name", "group_type", "created_at", "modified_at"]
    static let fullFields =
        standardFields + [
            "description", "provenance", "external_sync_identifier", "invitability_level",
            "member_viewability_level", "permissions",
        ]

    func value(_ field: String) -> JSON? {
        switch field {
        case "type": return "group"
        case "id": return .string(id)
        case "name": return .string(name)
        case "group_type": return "managed_group"
        case "created_at": return .string(BoxTime.format(createdAt))
        case "modified_at": return .string(BoxTime.format(modifiedAt))
        case "description": return .string(description)
        case "provenance": return .string(provenance)
        case "external_sync_identifier": return .string(externalSyncIdentifier)
        case "invitability_level": return .string(invitabilityLevel)
        case "member_viewability_level": return .string(memberViewabilityLevel)
        case "permissions": return ["can_invite_as_collaborator": true]
        default: return nil
        }
    }

    /// `fields` nil: the `variant` fields; else type, id and the fields asked for that exist.
    func json(fields: [String]?, variant: [String] = standardFields) -> JSON {
        var o = JSONObject()
        for f in fields.map({ ["type", "id"] + $0 }) ?? variant where o[f] == nil {
            if let v = value(f) { o[f] = v }
        }
        return .object(o)
    }

    var mini: JSON { json(fields: ["name", "group_type"]) }
}

public struct SandboxMembership: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var groupID: String
    public var role: String
    public var createdAt: Int64
    public var modifiedAt: Int64

    public init(id: String, userID: String, groupID: String, role: String, createdAt: Int64, modifiedAt: Int64? = nil) {
        self.id = id
        self.userID = userID
        self.groupID = groupID
        self.role = role
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt ?? createdAt
    }
}

/// One of a user's email aliases; the primary login is never one.
public struct SandboxEmailAlias: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var email: String
    public var isConfirmed: Bool

    public init(id: String, userID: String, email: String, isConfirmed: Bool) {
        self.id = id
        self.userID = userID
        self.email = email
        self.isConfirmed = isConfirmed
    }

    var json: JSON {
        ["type": "email_alias", "id": .string(id), "email": .string(email), "is_confirmed": .bool(isConfirmed)]
    }
}

extension SandboxState {
    /// A membership as Box returns it: the user and group in their mini forms.
    func membershipJSON(_ m: SandboxMembership) -> JSON {
        let user: JSON = self.user(m.userID)?.mini ?? ["type": "user", "id": .string(m.userID)]
        let group: JSON = groups[m.groupID]?.mini ?? ["type": "group", "id": .string(m.groupID)]
        return [
            "type": "group_membership", "id": .string(m.id), "user": user, "group": group, "role": .string(m.role),
            "created_at": .string(BoxTime.format(m.createdAt)), "modified_at": .string(BoxTime.format(m.modifiedAt)),
        ]
    }

    /// A fresh id for a group, membership or alias (one counter: ids never repeat in a run).
    func newObjectID() -> String {
        nextObjectID += 1
        return String(nextObjectID)
    }

    /// Whether `email` is some user's login or email alias (ignoring case).
    func emailInUse(_ email: String) -> Bool {
        let e = email.lowercased()
        return login(exists: e) || emailAliases.contains { $0.email.lowercased() == e }
    }

    /// Takes a user out of every group and drops their aliases (a delete); `keepAliases` for
    /// a roll-out to a free account, which keeps the person's addresses.
    func forgetUser(_ id: String, keepAliases: Bool = false) {
        memberships.removeAll { $0.userID == id }
        if !keepAliases { emailAliases.removeAll { $0.userID == id } }
    }

    /// The domains a seed without `verified_domains` is taken to have verified: those of its
    /// managed users' logins (app users' boxdevedition.com excluded).
    static func defaultDomains(_ seed: SandboxSeed) -> [String] {
        var out: [String] = []
        for u in seed.users where !u.isExternal && !u.isPlatformAccessOnly {
            guard let at = u.login.lastIndex(of: "@") else { continue }
            let d = u.login[u.login.index(after: at)...].lowercased()
            if d != "boxdevedition.com" && !out.contains(d) { out.append(d) }
        }
        return out
    }
}
