/// Folders, collaborations, legal holds and retention policies over HTTP, and Box's rules on
/// them: which deletes Box refuses (403 while any policy exists and the user owns content,
/// even with force), what a content transfer moves (folders with their collaborations).
@testable import BoxSandbox
import Foundation
import JSON
import TestSupport
import Testing

@Suite struct ContentTests {
    /// A leaver of the demo who owns folders (the active legal hold's custodian).
    static func owner(_ seed: SandboxSeed = .demo()) throws -> SandboxUser {
        let id = try #require(seed.content.legalHolds.first?.assignments.first { $0.type == "user" }?.itemID)
        return try #require(seed.users.first { $0.id == id })
    }

    static let refusal = "User cannot be deleted due to retention policies. Please transfer user content first"

    @Test func aContentOwnerIsNotDeletedEvenWithForceWhileAPolicyExistsUntilTransferred() throws {
        let f = try SandboxFixture()
        let owner = try Self.owner()
        let held = try f.call("DELETE", "/2.0/users/\(owner.id)?force=true")
        #expect(held.status == 403)
        #expect(held.json["code"] == "forbidden" && held.json["message"] == .string(Self.refusal))
        // Without force the content rule answers first.
        let plain = try f.call("DELETE", "/2.0/users/\(owner.id)")
        #expect(plain.status == 400 && plain.json["message"] == "User has managed content")
        #expect(try f.call("GET", "/2.0/users/\(owner.id)").status == 200)
        let admin = f.credentials.adminUserID
        let moved = try f.call("PUT", "/2.0/users/\(owner.id)/folders/0", json: ["owned_by": ["id": .string(admin)]])
        #expect(moved.status == 200)
        #expect(try f.call("DELETE", "/2.0/users/\(owner.id)").status == 204)
    }

    @Test func anyPolicyBlocksWhetherOrNotItCoversTheUser() throws {
        // A user the policies do not name, owning only files in the root.
        var seed = SandboxSeed.demo()
        let covered = Set(
            seed.content.legalHolds.flatMap(\.assignments).compactMap(\.itemID)
                + seed.content.retentionPolicies.flatMap(\.assignments).compactMap(\.itemID))
        let bystander = try #require(
            seed.users.first { u in
                u.ownedItems > 0 && u.role == "user" && !covered.contains(u.id)
                    && !seed.content.folders.contains { $0.ownerID == u.id }
            })
        let f = try SandboxFixture(seed: seed)
        #expect(try f.call("DELETE", "/2.0/users/\(bystander.id)?force=true").status == 403)
        // Released holds hold nothing; with no other policy the forced delete goes through.
        seed.content.retentionPolicies = []
        seed.content.legalHolds = seed.content.legalHolds.map {
            var h = $0; h.status = "released"; return h
        }
        let released = try SandboxFixture(seed: seed)
        #expect(try released.call("DELETE", "/2.0/users/\(bystander.id)?force=true").status == 204)
        // A retired retention policy still counts (Box's admin console rule).
        var retired = SandboxRetentionPolicy(id: "1", name: "Old", createdByID: seed.adminUserID, createdAt: 0)
        retired.status = "retired"
        seed.content.retentionPolicies = [retired]
        let withRetired = try SandboxFixture(seed: seed)
        let owner = try Self.owner(seed)
        #expect(try withRetired.call("DELETE", "/2.0/users/\(owner.id)?force=true").status == 403)
    }

    @Test func transferMovesFoldersWithTheirCollaborations() throws {
        let seed = SandboxSeed.demo()
        let f = try SandboxFixture(seed: seed)
        let owner = try Self.owner(seed)
        let theirs = seed.content.folders.filter { $0.ownerID == owner.id }.map(\.id)
        let collabs = seed.content.collaborations.filter { theirs.contains($0.folderID) }
        #expect(!theirs.isEmpty && !collabs.isEmpty)
        let admin = f.credentials.adminUserID
        let made = try f.call("PUT", "/2.0/users/\(owner.id)/folders/0", json: ["owned_by": ["id": .string(admin)]])
        let into = try #require(made.json["id"]?.stringValue)
        for id in theirs {
            let folder = try f.call("GET", "/2.0/folders/\(id)?fields=owned_by,parent").json
            #expect(folder["owned_by"]?["id"] == .string(admin) && folder["parent"]?["id"] == .string(into))
        }
        let after = f.sandbox.stateSnapshot()["collaborations"]?.arrayValue ?? []
        for c in collabs {
            #expect(after.contains { $0["id"] == .string(c.id) && $0["accessible_by"]?["id"] == .string(c.userID) })
        }
        let root = try f.call("GET", "/2.0/folders/0/items?fields=owned_by", asUser: owner.id).json
        #expect(root["entries"]?.arrayValue?.contains { $0["owned_by"]?["id"] == .string(owner.id) } == false)
        let moved = try f.call("GET", "/2.0/folders/\(into)/items").json
        #expect(Set(moved["entries"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []) == Set(theirs))
    }

    @Test func theRootListsOwnedAndSharedFoldersOfTheActingUser() throws {
        let seed = SandboxSeed.demo()
        let f = try SandboxFixture(seed: seed)
        let shared = try #require(seed.content.folders.first { $0.name == "Team Shared" })
        let guest = try #require(seed.content.collaborations.first { $0.folderID == shared.id }?.userID)
        let root = try f.call("GET", "/2.0/folders/0/items?fields=owned_by,size&limit=1000", asUser: guest)
        #expect(root.status == 200)
        let entries = root.json["entries"]?.arrayValue ?? []
        let ids = entries.compactMap { $0["id"]?.stringValue }
        let expected = seed.content.folders.filter { $0.ownerID == guest && $0.parentID == "0" }.map(\.id)
        #expect(Set(ids) == Set(expected + [shared.id]))
        #expect(entries.first { $0["id"] == .string(shared.id) }?["owned_by"]?["id"] == .string(shared.ownerID))
        #expect(root.json["total_count"] == .int(Int64(ids.count)))
        // Someone else's folder is not found for a user who is neither owner nor collaborator.
        let stranger = try #require(
            seed.users.first { u in
                u.role == "user" && u.id != guest && u.id != shared.ownerID
                    && !seed.content.collaborations.contains { $0.folderID == shared.id && $0.userID == u.id }
            })
        #expect(try f.call("GET", "/2.0/folders/\(shared.id)", asUser: stranger.id).status == 404)
        #expect(try f.call("GET", "/2.0/folders/1").status == 404)
    }

    @Test func collaborationsAreListedChangedAndRemoved() throws {
        let seed = SandboxSeed.demo()
        let f = try SandboxFixture(seed: seed)
        let collab = try #require(seed.content.collaborations.first { $0.role != "viewer" && $0.status == "accepted" })
        let list = try f.call("GET", "/2.0/folders/\(collab.folderID)/collaborations")
        #expect(list.status == 200)
        let ids = list.json["entries"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains(collab.id) && list.json["next_marker"] == .null)
        let one = try f.call("GET", "/2.0/collaborations/\(collab.id)").json
        #expect(one["accessible_by"]?["id"] == .string(collab.userID) && one["item"]?["id"] == .string(collab.folderID))
        let changed = try f.call("PUT", "/2.0/collaborations/\(collab.id)", json: ["role": "viewer"])
        #expect(changed.status == 200 && changed.json["role"] == "viewer")
        #expect(try f.call("PUT", "/2.0/collaborations/\(collab.id)", json: ["role": "boss"]).status == 400)
        #expect(try f.call("PUT", "/2.0/collaborations/\(collab.id)", json: [:]).status == 400)
        // A viewer may not manage the folder's collaborations.
        #expect(
            try f.call("GET", "/2.0/folders/\(collab.folderID)/collaborations", asUser: collab.userID).status == 403)
        #expect(try f.call("DELETE", "/2.0/collaborations/\(collab.id)").status == 204)
        #expect(try f.call("GET", "/2.0/collaborations/\(collab.id)").status == 404)
        #expect(try f.call("DELETE", "/2.0/collaborations/\(collab.id)").status == 404)
    }

    @Test func roleOwnerHandsTheFolderOverAndKeepsThePreviousOwnerAsCoOwner() throws {
        let seed = SandboxSeed.demo()
        let f = try SandboxFixture(seed: seed)
        let collab = try #require(seed.content.collaborations.first { $0.status == "accepted" })
        let folder = try #require(seed.content.folders.first { $0.id == collab.folderID })
        let r = try f.call("PUT", "/2.0/collaborations/\(collab.id)", json: ["role": "owner"])
        #expect(r.status == 204 && r.body.isEmpty)
        let now = try f.call("GET", "/2.0/folders/\(folder.id)?fields=owned_by").json
        #expect(now["owned_by"]?["id"] == .string(collab.userID))
        let list = try f.call("GET", "/2.0/folders/\(folder.id)/collaborations").json["entries"]?.arrayValue ?? []
        #expect(list.contains { $0["accessible_by"]?["id"] == .string(folder.ownerID) && $0["role"] == "co-owner" })
    }

    @Test func policiesAndAssignmentsAreReadableByAdminsOnly() throws {
        let seed = SandboxSeed.demo()
        let f = try SandboxFixture(seed: seed)
        let holds = try f.call("GET", "/2.0/legal_hold_policies").json["entries"]?.arrayValue ?? []
        #expect(holds.map { $0["status"] } == seed.content.legalHolds.map { .string($0.status) })
        let first = try f.call("GET", "/2.0/legal_hold_policies?limit=1")
        let marker = try #require(first.json["next_marker"]?.stringValue)
        let second = try f.call("GET", "/2.0/legal_hold_policies?limit=1&marker=\(marker)").json
        #expect(second["entries"]?.arrayValue?.first?["id"] == .string(seed.content.legalHolds[1].id))
        #expect(try f.call("GET", "/2.0/legal_hold_policies?marker=zzz").status == 400)
        let hold = seed.content.legalHolds[0]
        #expect(try f.call("GET", "/2.0/legal_hold_policies/\(hold.id)").json["policy_name"] == .string(hold.name))
        let users = try f.call("GET", "/2.0/legal_hold_policy_assignments?policy_id=\(hold.id)&assign_to_type=user")
        #expect(users.json["entries"]?.arrayValue?.map { $0["assigned_to"]?["type"] } == ["user"])
        #expect(try f.call("GET", "/2.0/legal_hold_policy_assignments").status == 400)
        #expect(try f.call("GET", "/2.0/legal_hold_policy_assignments?policy_id=1").status == 404)
        let policy = seed.content.retentionPolicies[0]
        let listed = try f.call("GET", "/2.0/retention_policies?policy_type=finite").json["entries"]?.arrayValue
        #expect(listed?.map { $0["id"] } == [.string(policy.id)])
        let assigned = try f.call("GET", "/2.0/retention_policies/\(policy.id)/assignments?type=folder").json
        #expect(assigned["entries"]?.arrayValue?.count == policy.assignments.count)
        #expect(try f.call("GET", "/2.0/retention_policies/\(policy.id)/assignments?type=x").status == 400)
        #expect(try f.call("GET", "/2.0/retention_policies/1").status == 404)
        let plain = try #require(seed.users.first { $0.role == "user" && !$0.isExternal })
        #expect(try f.call("GET", "/2.0/legal_hold_policies", asUser: plain.id).status == 403)
        #expect(try f.call("GET", "/2.0/retention_policies", asUser: plain.id).status == 403)
    }

    @Test func theSeedCarriesContentAndOldSeedsStillLoad() throws {
        let f = try SandboxFixture()
        let collab = try #require(SandboxSeed.demo().content.collaborations.first)
        _ = try f.call("DELETE", "/2.0/collaborations/\(collab.id)")
        let file = temporaryDirectoryURL().appendingPathComponent("state.json")
        try f.sandbox.save(to: file)
        let loaded = try SandboxSeed.load(from: file)
        #expect(loaded.content == SandboxSeed.demo().content.without(collaboration: collab.id))
        #expect(loaded.json() == f.sandbox.stateSnapshot())
        let bad = temporaryDirectoryURL().appendingPathComponent("bad.json")
        try """
        {"admin_user_id": "1", "service_account_user_id": "1", "users": [{"id": "1", "name": "A"}],
         "folders": [{"id": "5", "name": "F", "owned_by": {"id": "9"}}]}
        """.write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: SandboxSeedError.self) { try SandboxSeed.load(from: bad) }
        do { _ = try SandboxSeed.load(from: bad) } catch let e as SandboxSeedError {
            #expect(e.message.hasSuffix("folders[0]: no user with id 9 (owned_by)"))
        }
    }
}

extension SandboxSeed {
    /// The demo enterprise without its legal holds and retention policies.
    static func demoWithoutPolicies() -> SandboxSeed {
        var seed = SandboxSeed.demo()
        seed.content.legalHolds = []
        seed.content.retentionPolicies = []
        return seed
    }
}

extension SandboxContent {
    func without(collaboration id: String) -> SandboxContent {
        var c = self
        c.collaborations.removeAll { $0.id == id }
        return c
    }
}
