/// The demo enterprise's group details and email aliases (the groups and their members are
/// in DemoActivity.swift).
import JSON

extension DemoEnterprise {
    /// The domains the demo enterprise has verified: its own and a second brand's.
    static let verifiedDomains = [domain, "nwtraders.example"]

    /// Department groups come from Active Directory (as a directory sync tool creates them);
    /// the others are made in Box.
    static func describe(_ groups: [SandboxGroup]) -> [SandboxGroup] {
        groups.map { g in
            var g = g
            g.createdAt = 1_559_372_400
            g.modifiedAt = 1_559_372_400
            if departments.contains(where: { $0.0 == g.name }) {
                g.provenance = "Active Directory"
                g.externalSyncIdentifier = "AD:" + g.name.lowercased()
                g.description = "\(g.name) department"
            } else {
                g.description = "People who help their teams with Box"
                g.memberViewabilityLevel = "all_managed_users"
            }
            return g
        }
    }

    /// Every tenth person has a confirmed alias at the second brand; every fifteenth also an
    /// old address still waiting for confirmation. Leavers are among both.
    static func emailAliases(_ people: [DemoPerson]) -> [SandboxEmailAlias] {
        var out: [SandboxEmailAlias] = []
        for (k, p) in people.dropFirst(2).enumerated() {
            let local = p.user.login.split(separator: "@").first.map(String.init) ?? ""
            if k % 10 == 5 { out.append(alias(out.count, p.user, "\(local)@nwtraders.example", confirmed: true)) }
            if k % 15 == 5 { out.append(alias(out.count, p.user, "\(local).old@\(domain)", confirmed: false)) }
        }
        return out
    }

    private static func alias(_ n: Int, _ u: SandboxUser, _ email: String, confirmed: Bool) -> SandboxEmailAlias {
        SandboxEmailAlias(id: String(9_000_000 + n), userID: u.id, email: email, isConfirmed: confirmed)
    }
}
