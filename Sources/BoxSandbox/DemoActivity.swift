/// The demo enterprise's app users, external users, groups and LOGIN history.
import JSON

extension DemoEnterprise {
    static func appUsers(after n: Int) -> [SandboxUser] {
        var r = SeededRandom(seed: 0xA99_05E5)
        return (0..<appUserCount).map { i in
            var u = SandboxUser(
                id: userID(n + i), name: "Portal Customer \(i + 1)",
                login: "AppUser_\(serviceID)_\(r.token(10))@boxdevedition.com",
                createdAt: 1_680_000_000 + Int64(i) * 86400, enterpriseID: enterpriseID)
            u.isPlatformAccessOnly = true
            u.externalAppUserID = "crm-\(1000 + i * 17)"
            u.ownedItems = i % 3 == 0 ? 5 + i : 0
            // What a user owns takes space, as in Box: reads tell owners by space_used.
            u.spaceUsed = Int64(u.ownedItems) * 2_500_000
            return u
        }
    }

    /// People outside the enterprise who collaborate with it: found only by exact login.
    static func externalUsers(after n: Int) -> [SandboxUser] {
        let people = [
            ("Jordan Rivera", "jordan.rivera@contoso-partners.example"), ("Sam Okoro", "sam.okoro@fabrikam.example"),
            ("Ines Duarte", "ines.duarte@gmail.example"), ("Wei Zhang", "wei.zhang@tailspin.example"),
        ]
        return people.enumerated().map { i, p in
            var u = SandboxUser(
                id: userID(n + i), name: p.0, login: p.1, createdAt: 1_600_000_000 + Int64(i) * 86400, enterpriseID: nil
            )
            u.canSeeManagedUsers = false
            return u
        }
    }

    static func groups(_ people: [DemoPerson]) -> ([SandboxGroup], [SandboxMembership]) {
        var groups: [SandboxGroup] = []
        var index: [String: String] = [:]
        for (i, d) in departments.enumerated() {
            let g = SandboxGroup(id: String(7_100_000 + i * 11), name: d.0)
            groups.append(g)
            index[d.0] = g.id
        }
        groups.append(SandboxGroup(id: "7100900", name: "Box Champions"))
        var memberships: [SandboxMembership] = []
        for (n, p) in people.enumerated().dropFirst(2) where n % 3 != 0 {
            guard let gid = index[p.department] else { continue }
            memberships.append(member(memberships.count, p.user, gid, role: n % 29 == 1 ? "admin" : "member"))
            if n % 17 == 0 { memberships.append(member(memberships.count, p.user, "7100900", role: "member")) }
        }
        return (groups, memberships)
    }

    private static func member(_ k: Int, _ u: SandboxUser, _ gid: String, role: String) -> SandboxMembership {
        SandboxMembership(
            id: String(8_200_000 + k), userID: u.id, groupID: gid, role: role, createdAt: u.createdAt + 3600)
    }

    /// LOGIN events over the 183 days before `today`, oldest first; event ids are stable.
    static func loginEvents(_ people: [DemoPerson], today: Int64) -> [SandboxEvent] {
        let midnight = today - ((today % 86400) + 86400) % 86400
        var r = SeededRandom(seed: 0x1061_45)
        var events: [SandboxEvent] = []
        for p in people {
            guard let last = p.lastLoginDaysAgo else { continue }
            var day = last
            while day <= 183 {
                let t = midnight - Int64(day) * 86400 + Int64(r.int(7 * 3600...19 * 3600))
                let ip = "10.\(r.int(0...30)).\(r.int(0...255)).\(r.int(1...254))"
                events.append(event(p.user, t, ip, &r))
                day += p.loginEveryDays + r.int(0...2)
            }
        }
        events.sort { ($0.createdAt, $0.eventID) < ($1.createdAt, $1.eventID) }
        return events
    }

    private static func event(_ u: SandboxUser, _ t: Int64, _ ip: String, _ r: inout SeededRandom) -> SandboxEvent {
        let hex = Array("0123456789abcdef")
        let id = String((0..<40).map { _ in hex[r.int(0...15)] })
        return SandboxEvent(
            eventID: id, eventType: "LOGIN", createdAt: t, userID: u.id, userName: u.name, userLogin: u.login,
            ipAddress: ip)
    }

    /// The logins of the people Active Directory has disabled (the leavers).
    public static var leaverLogins: [String] { people().filter(\.leaver).map(\.user.login) }
}
