/// The demo enterprise's folders, collaborations and governance: leavers who own folders
/// shared with colleagues and with people outside the enterprise, colleagues' folders shared
/// with leavers, an active legal hold (a leaver as custodian, another leaver's folder), a
/// released one, and a retention policy on Finance folders. Box refuses a forced delete of
/// every leaver who still owns content while such policies exist (README, "The sandbox").
import JSON

extension DemoEnterprise {
    static let folderNames = [
        "Sales": ["Pipeline 2026", "Key Accounts"], "Engineering": ["Design Docs", "Release Notes"],
        "Finance": ["Quarterly Close", "Invoices 2025"], "Marketing": ["Campaigns", "Brand Assets"],
        "Support": ["Escalations", "Runbooks"], "Legal": ["Contracts", "Matters"],
        "Operations": ["Vendors", "Facilities"], "HR": ["Hiring", "Policies"],
    ]

    static func content(_ people: [DemoPerson], externals: [SandboxUser]) -> SandboxContent {
        var r = SeededRandom(seed: 0xF01D_E125)
        var c = SandboxContent()
        var number: Int64 = 190_000_000_000
        func next() -> String {
            number += 1
            return String(number)
        }
        let staff = people.dropFirst(2).filter { !$0.leaver && $0.user.status == "active" }
        let owners = people.filter { $0.leaver && $0.user.ownedItems > 0 }
        for (n, p) in owners.enumerated() {
            let names = folderNames[p.department] ?? ["Projects", "Archive"]
            for (k, name) in names.prefix(n % 3 == 2 ? 1 : 2).enumerated() {
                var f = SandboxFolder(
                    id: next(), name: name, ownerID: p.user.id, createdAt: p.user.createdAt + Int64(k + 1) * 86_400)
                f.size = p.user.spaceUsed / Int64(names.count + 1)
                f.fileCount = r.int(3...60)
                c.folders.append(f)
                // Some folders are shared with nobody; the others with colleagues, and every
                // other leaver's first folder with someone outside the enterprise too.
                guard (n + k) % 4 != 3 else { continue }
                for _ in 0..<r.int(1...3) {
                    let who = r.pick(staff).user.id
                    guard !c.collaborations.contains(where: { $0.folderID == f.id && $0.userID == who }) else {
                        continue
                    }
                    var collab = SandboxCollaboration(
                        id: next(), folderID: f.id, userID: who, createdByID: p.user.id, createdAt: f.createdAt + 3_600)
                    collab.role = r.pick(["editor", "viewer", "viewer uploader", "co-owner"])
                    c.collaborations.append(collab)
                }
                if k == 0 && n % 2 == 0, !externals.isEmpty {
                    var collab = SandboxCollaboration(
                        id: next(), folderID: f.id, userID: externals[n / 2 % externals.count].id,
                        createdByID: p.user.id, createdAt: f.createdAt + 7_200)
                    collab.role = "viewer"
                    collab.status = n % 6 == 4 ? "pending" : "accepted"
                    c.collaborations.append(collab)
                }
            }
        }
        sharedWithLeavers(people, &c, next)
        governance(people, owners, &c)
        return c
    }

    /// Colleagues' folders that leavers collaborate on: in a leaver's All Files, not theirs.
    private static func sharedWithLeavers(_ people: [DemoPerson], _ c: inout SandboxContent, _ next: () -> String) {
        let leavers = people.filter(\.leaver)
        let hosts = people.dropFirst(2).filter { !$0.leaver && $0.user.ownedItems > 0 }.prefix(6)
        for (n, h) in hosts.enumerated() {
            let f = SandboxFolder(id: next(), name: "Team Shared", ownerID: h.user.id, createdAt: h.user.createdAt)
            c.folders.append(f)
            for l in [leavers[n % leavers.count], leavers[(n + 7) % leavers.count]] {
                c.collaborations.append(
                    SandboxCollaboration(
                        id: next(), folderID: f.id, userID: l.user.id, createdByID: h.user.id,
                        createdAt: f.createdAt + 600))
            }
        }
    }

    private static func governance(_ people: [DemoPerson], _ owners: [DemoPerson], _ c: inout SandboxContent) {
        let admin = people[0].user.id
        var hold = SandboxLegalHold(
            id: "7300001", name: "Contoso v. Northwind", createdByID: admin, createdAt: 1_767_225_600)
        hold.description = "Preserve everything about the Contoso supply dispute"
        let custodian = owners[0].user.id
        let heldFolder = c.folders.first { $0.ownerID == owners[3].user.id }?.id ?? ""
        hold.assignments = [
            SandboxAssignment(id: "7310001", type: "user", itemID: custodian, assignedAt: hold.createdAt),
            SandboxAssignment(id: "7310002", type: "folder", itemID: heldFolder, assignedAt: hold.createdAt),
        ]
        var old = SandboxLegalHold(id: "7300002", name: "Audit 2023", createdByID: admin, createdAt: 1_688_169_600)
        old.status = "released"
        old.assignments = [
            SandboxAssignment(id: "7310003", type: "user", itemID: owners[1].user.id, assignedAt: old.createdAt)
        ]
        c.legalHolds = [hold, old]
        var finance = SandboxRetentionPolicy(
            id: "9100001", name: "Finance records 7 years", createdByID: admin, createdAt: 1_704_067_200)
        finance.policyType = "finite"
        finance.retentionDays = 2_555
        finance.dispositionAction = "permanently_delete"
        finance.description = "SOX: keep finance records for seven years"
        let financeOwners = Set(people.filter { $0.department == "Finance" }.map(\.user.id))
        finance.assignments = c.folders.filter { financeOwners.contains($0.ownerID) }.enumerated().map { n, f in
            SandboxAssignment(id: String(9_110_001 + n), type: "folder", itemID: f.id, assignedAt: finance.createdAt)
        }
        c.retentionPolicies = [finance]
    }
}
