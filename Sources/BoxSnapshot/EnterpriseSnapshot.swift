/// `boxlua snapshot`: the signed-in enterprise read (reads only) into the sandbox's seed
/// format, so that `--sandbox=FILE` rehearses a job on a copy of the real thing.
///
/// It composes the seed's JSON from what Box answers and hands it to the sandbox's own seed
/// reader before anything is written: a snapshot that would not load is never saved.
/// File contents are never read: a folder keeps its name, size and item count.
import BoxClient
import BoxSandbox
import JSON

public struct EnterpriseSnapshot {
    public let client: BoxClient
    /// LOGIN events of the last this many days (0: none).
    public var eventDays: Int
    /// Seconds since 1970 (UTC), for the events window.
    public var now: Int64
    /// One line per step read ("312 users"), for stderr.
    public var report: (String) -> Void

    public init(client: BoxClient, eventDays: Int, now: Int64, report: @escaping (String) -> Void) {
        self.client = client
        self.eventDays = eventDays
        self.now = now
        self.report = report
    }

    /// Reads the enterprise; every read that fails fails the snapshot (a partial copy would
    /// rehearse another enterprise than the real one).
    public func read() throws -> SandboxSeed {
        let me = try client.json(
            BoxRequest("GET", "/2.0/users/me", query: [("fields", SandboxSeed.userFields.joined(separator: ","))]))
        guard let myID = me["id"]?.stringValue else {
            throw SnapshotError("GET /2.0/users/me answered without an id")
        }
        var users = try listUsers()
        if !users.contains(where: { $0["id"]?.stringValue == myID }) {
            // A service account (JWT, Client Credentials) is not listed by GET /users.
            users.append(me)
        }
        let aliases = try readEmailAliases(users: users)
        let (folders, collaborations) = try readContent(users: &users)
        report("\(users.count) users, \(aliases.count) email aliases")
        report("\(folders.count) folders in the users' All Files, \(collaborations.count) collaborations on them")
        var seed = JSONObject()
        seed["boxlua_sandbox_seed"] = 1
        if let enterprise = me["enterprise"], enterprise["id"] != nil {
            seed["enterprise"] = ["id": enterprise["id"] ?? .null, "name": enterprise["name"] ?? "Snapshot"]
        }
        // The copy's own app credentials are the sandbox's defaults: no secret of the real
        // app is ever known to a snapshot, let alone written.
        seed["admin_user_id"] = .string(adminID(users: users, me: me))
        seed["service_account_user_id"] = .string(serviceAccountID(users: users, me: me))
        seed["users"] = .array(users)
        seed["email_aliases"] = .array(aliases)
        seed["folders"] = .array(folders)
        seed["collaborations"] = .array(collaborations)
        let (legalHolds, retention) = try readPolicies()
        seed["legal_hold_policies"] = .array(legalHolds)
        seed["retention_policies"] = .array(retention)
        report("\(legalHolds.count) legal hold policies, \(retention.count) retention policies")
        let (groups, memberships) = try readGroups()
        seed["groups"] = .array(groups)
        seed["memberships"] = .array(memberships)
        report("\(groups.count) groups, \(memberships.count) memberships")
        let events = try readLoginEvents()
        seed["events"] = .array(events)
        if eventDays > 0 { report("\(events.count) LOGIN events of the last \(eventDays) days") }
        do {
            return try SandboxSeed.parse(.object(seed))
        } catch {
            throw SnapshotError("what Box answered does not make a sandbox seed: \(error)")
        }
    }

    /// The signed-in user when an admin, else the first admin listed (the sandbox's developer
    /// token is the admin's).
    private func adminID(users: [JSON], me: JSON) -> String {
        if me["role"]?.stringValue == "admin", let id = me["id"]?.stringValue { return id }
        let admin = users.first { $0["role"]?.stringValue == "admin" }
        return admin?["id"]?.stringValue ?? me["id"]?.stringValue ?? ""
    }

    /// The app's service account (AutomationUser_...@boxdevedition.com): the signed-in user
    /// under JWT or Client Credentials; found among the users otherwise; else the signed-in
    /// user, so that the copy's Client Credentials and JWT sign in as the one who made it.
    private func serviceAccountID(users: [JSON], me: JSON) -> String {
        func isServiceAccount(_ u: JSON) -> Bool {
            let login = u["login"]?.stringValue?.lowercased() ?? ""
            return login.hasPrefix("automationuser_") && login.hasSuffix("@boxdevedition.com")
        }
        if isServiceAccount(me) { return me["id"]?.stringValue ?? "" }
        return users.first(where: isServiceAccount)?["id"]?.stringValue ?? me["id"]?.stringValue ?? ""
    }

    private func listUsers() throws -> [JSON] {
        try all(
            BoxRequest(
                "GET", "/2.0/users",
                query: [("user_type", "all"), ("fields", SandboxSeed.userFields.joined(separator: ","))]),
            mode: .marker(limit: 1000))
    }

    private func readGroups() throws -> (groups: [JSON], memberships: [JSON]) {
        let fields = SandboxSeed.groupFields
        let groups = try all(
            BoxRequest("GET", "/2.0/groups", query: [("fields", fields.joined(separator: ","))]),
            mode: .offset(limit: 1000))
        var seedGroups: [JSON] = []
        var memberships: [JSON] = []
        // Each group's members, several groups at a time (in the groups' order).
        let listed = groups.compactMap { g in g["id"]?.stringValue.map { (id: $0, group: g) } }
        let members = try client.each(listed) { [client] g, done in
            client.allEntries(
                BoxRequest("GET", "/2.0/groups/\(percentEncode(g.id))/memberships"), mode: .offset(limit: 1000),
                completion: done)
        }
        for ((id, group), groupMembers) in zip(listed, members) {
            var g = JSONObject()
            for f in fields { if let v = group[f], !v.isNull { g[f] = v } }
            seedGroups.append(.object(g))
            for m in groupMembers {
                guard let mid = m["id"]?.stringValue, let user = m["user"]?["id"]?.stringValue else { continue }
                var o = JSONObject()
                o["id"] = .string(mid)
                o["user_id"] = .string(user)
                o["group_id"] = .string(id)
                o["role"] = m["role"] ?? "member"
                for key in ["created_at", "modified_at"] { if let v = m[key], !v.isNull { o[key] = v } }
                memberships.append(.object(o))
            }
        }
        return (seedGroups, memberships)
    }

    /// LOGIN events, in the seed's shape: the actor under `user`.
    private func readLoginEvents() throws -> [JSON] {
        guard eventDays > 0 else { return [] }
        let after = BoxTime.format(now - Int64(eventDays) * 86_400)
        let events = try all(
            BoxRequest(
                "GET", "/2.0/events",
                query: [("stream_type", "admin_logs"), ("event_type", "LOGIN"), ("created_after", after)]),
            mode: .stream(position: "0", limit: 500))
        return events.compactMap { e in
            guard let id = e["event_id"]?.stringValue, let actor = e["created_by"], actor["id"]?.stringValue != nil
            else { return nil }
            var o = JSONObject()
            o["event_id"] = .string(id)
            o["event_type"] = e["event_type"] ?? "LOGIN"
            o["created_at"] = e["created_at"] ?? .null
            o["user"] = ["id": actor["id"] ?? "", "name": actor["name"] ?? "", "login": actor["login"] ?? ""]
            if let ip = e["ip_address"], !ip.isNull { o["ip_address"] = ip }
            return .object(o)
        }
    }

    /// Every entry of a listing, page after page.
    func all(_ request: BoxRequest, mode: BoxPager.Mode) throws -> [JSON] {
        let pager = BoxPager(client: client, request: request, mode: mode)
        var out: [JSON] = []
        while let page = try pager.next() { out += page.entries }
        return out
    }
}

public struct SnapshotError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ message: String) { description = message }
}
