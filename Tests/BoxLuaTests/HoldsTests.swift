/// Who loses access and what Box will refuse (issue 16, parts 2 and 3), against the demo
/// sandbox: owned folders, collaborations, holds, and box.deprovision's report; the dry run of
/// a deprovision predicts exactly the deletes Box then refuses.
import BoxSandbox
import Foundation
import JSON
import LuaHost
import TestSupport
import Testing

@testable import BoxLua

@Suite struct Holds {
    static let seed = SandboxSeed.demo()
    /// The demo's custodian: a leaver who owns folders shared inside and outside the enterprise.
    static var custodian: String {
        seed.content.legalHolds[0].assignments.first { $0.type == "user" }?.itemID ?? ""
    }

    @Test func ownedFoldersAndCollaborationsMatchTheSandbox() throws {
        let h = try BoxHarness()
        let id = Self.custodian
        let r = try h.run(
            """
            local folders, collabs = box.users.owned_folders('\(id)'), box.users.collaborations('\(id)')
            local f, c = {}, {}
            for _, x in ipairs(folders) do f[#f + 1] = x.id .. ' ' .. x.owned_by.id end
            for _, x in ipairs(collabs) do
              c[#c + 1] = table.concat({x.collaboration.id, x.folder.id, x.collaborator.id, x.role, x.status,
                tostring(x.external)}, ' ')
            end
            return {folders = f, collabs = c}
            """)
        let seed = Self.seed
        let owned = seed.content.folders.filter { $0.ownerID == id && $0.parentID == "0" }
        let folders = r["folders"]?.items?.compactMap(\.string) ?? []
        #expect(Set(folders) == Set(owned.map { "\($0.id) \(id)" }))
        let login = seed.users.first { $0.id == id }?.login ?? ""
        let domain = login.split(separator: "@").last.map(String.init) ?? ""
        let expected = seed.content.collaborations.filter { c in owned.contains { $0.id == c.folderID } }.map { c in
            let who = seed.users.first { $0.id == c.userID }?.login ?? ""
            let external = !who.lowercased().hasSuffix("@" + domain)
            return "\(c.id) \(c.folderID) \(c.userID) \(c.role) \(c.status) \(external)"
        }
        let got = r["collabs"]?.items?.compactMap(\.string) ?? []
        #expect(Set(got) == Set(expected) && got.count == expected.count, "\(got)")
        #expect(got.contains { $0.hasSuffix(" true") } && got.contains { $0.hasSuffix(" false") }, "\(got)")
        #expect(h.changesSent.isEmpty)
    }

    @Test func holdsNameThePoliciesForAContentOwnerAndNothingForOthers() throws {
        let h = try BoxHarness()
        let idle = try #require(Self.seed.users.first { $0.ownedItems == 0 && $0.role == "user" && !$0.isExternal })
        let r = try h.run(
            """
            local out = {}
            for _, x in ipairs(box.users.holds('\(Self.custodian)')) do
              out[#out + 1] = x.kind .. ' ' .. x.policy.id .. ': ' .. x.reason
            end
            return {held = out, idle = #box.users.holds('\(idle.id)')}
            """)
        let held = r["held"]?.items?.compactMap(\.string) ?? []
        #expect(
            held == [
                "legal_hold 7300001: legal hold 'Contoso v. Northwind' names them as custodian",
                "retention 9100001: retention policy 'Finance records 7 years' exists in the enterprise (Box refuses while the user owns content)",
            ], "\(held)")
        #expect(r["idle"]?.int == 0)
    }

    @Test func aHeldForcedDeleteIsNotAttemptedAndTheOtherStepsRun() throws {
        let h = try BoxHarness()
        let id = Self.custodian
        let r = try h.run(
            """
            local r = box.deprovision('\(id)', {force = true})
            local steps = {}
            for _, s in ipairs(r.steps) do steps[#steps + 1] = s.step .. ' ' .. tostring(s.ok) .. ' ' .. (s.reason or '') end
            return {ok = r.ok, error = r.error, steps = steps, collaborators = #r.collaborators, holds = #r.holds}
            """)
        #expect(r["ok"] == .boolean(false))
        let why = "Box will refuse: held by legal hold 'Contoso v. Northwind' names them as custodian"
        #expect(r["error"]?.string == "delete not attempted: " + why)
        #expect(r["steps"]?.items?.compactMap(\.string) == ["suspend true ", "delete false " + why])
        let shared = Self.seed.content.collaborations.filter { c in
            Self.seed.content.folders.contains { $0.id == c.folderID && $0.ownerID == id }
        }
        #expect(r["collaborators"]?.int == Int64(shared.count) && r["holds"]?.int == 2)
        #expect(h.changesSent == ["PUT /2.0/users/\(id)"], "\(h.changesSent)")
    }

    @Test func aTransferBeforeTheDeleteLiftsTheHoldAndKeepsTheCollaborators() throws {
        let h = try BoxHarness()
        let id = Self.custodian
        let r = try h.run(
            """
            local r = box.deprovision('\(id)', {transfer_to = box.users.me().id, force = true})
            return {ok = r.ok, collaborators = #r.collaborators}
            """)
        #expect(r["ok"] == .boolean(true))
        #expect(h.changesSent.last == "DELETE /2.0/users/\(id)", "\(h.changesSent)")
        // The collaborations on their folders stay; their own on colleagues' folders end with them.
        let after = Set(
            h.sandbox.stateSnapshot()["collaborations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        let kept = Self.seed.content.collaborations.filter { $0.userID != id }.map(\.id)
        #expect(after == Set(kept) && kept.count < Self.seed.content.collaborations.count)
    }

    /// Zero surprises: the deletes a dry run of the demo leavers' deprovisioning (forced, no
    /// transfer) says it will not attempt are exactly those Box refuses in a live run.
    @Test func theDryRunPredictsExactlyTheDeletesBoxRefuses() throws {
        let script = """
            local leavers = {}
            for _, row in ipairs(csv.read('\(packageRoot().path)/scripts/examples/ad-export.csv')) do
              if row.Enabled == 'False' and row.mail ~= '' then leavers[row.mail:lower()] = true end
            end
            local targets = {}
            for u in box.users.list{} do if leavers[u.login:lower()] then targets[#targets + 1] = u end end
            local held, deleted = {}, {}
            for i, r in ipairs(box.parallel(targets, function(u) return box.deprovision(u, {force = true}) end)) do
              local last = r.value.steps[#r.value.steps]
              if last.reason then held[#held + 1] = targets[i].id elseif last.ok then deleted[#deleted + 1] = targets[i].id end
            end
            table.sort(held) table.sort(deleted)
            return {held = held, deleted = deleted}
            """
        let dry = try BoxHarness(dryRun: true).run(script)
        let live = try BoxHarness()
        let done = try live.run(script)
        let predicted = dry["held"]?.items?.compactMap(\.string) ?? []
        #expect(predicted.count >= 10, "\(predicted)")
        #expect(done["held"] == dry["held"] && done["deleted"] == dry["deleted"], "\(done) \(dry)")
        #expect(!live.changesSent.contains { c in predicted.contains { c == "DELETE /2.0/users/\($0)" } })
        // Each delete the dry run predicted refused is refused by Box when tried; the others went through.
        let tried = try live.run(
            """
            local refused = {}
            for _, id in ipairs({'\(predicted.joined(separator: "','"))'}) do
              local ok, e = pcall(box.users.delete, id, {force = true})
              if not ok and e.status == 403 then refused[#refused + 1] = id end
            end
            return refused
            """)
        #expect(tried.items?.compactMap(\.string) == predicted)
        for id in done["deleted"]?.items?.compactMap(\.string) ?? [] {
            #expect(live.sandbox.stateSnapshot()["users"]?.arrayValue?.contains { $0["id"] == .string(id) } == false)
        }
    }

    /// The dry-run warning of a forced delete Box will refuse for a hold; none once the run has
    /// transferred the user's content, none for a user who owns nothing.
    @Test func aDryRunWarnsOfAForcedDeleteAHoldBlocks() throws {
        let seed = Self.seed
        let owners = seed.users.filter { u in seed.content.folders.contains { $0.ownerID == u.id } }
        let held = Self.custodian
        let moved = try #require(owners.first { $0.id != held && $0.role == "user" }?.id)
        let idle = try #require(
            seed.users.first { $0.ownedItems == 0 && $0.role == "user" && !$0.isExternal }.map(\.id))
        let h = try BoxHarness(dryRun: true)
        try h.run(
            """
            box.users.delete('\(held)', {force = true})
            box.users.transfer_content('\(moved)', box.users.me().id)
            box.users.delete('\(moved)', {force = true})
            box.users.delete('\(idle)', {force = true})
            """)
        let warnings = h.said.filter { $0.hasPrefix("[dry-run] ! ") }
        let login = seed.users.first { $0.id == held }?.login ?? ""
        #expect(
            warnings == [
                "[dry-run] ! users.delete \(held) (\(login)): Box will refuse: held by legal hold 'Contoso v. Northwind'"
                    + " (the user owns content: transfer it first, force does not help)"
            ], "\(h.said)")
        // Live, Box refuses exactly that one.
        let live = try BoxHarness()
        let r = try live.run(
            """
            local a = {pcall(box.users.delete, '\(held)', {force = true})}
            box.users.transfer_content('\(moved)', box.users.me().id)
            local b = pcall(box.users.delete, '\(moved)', {force = true})
            local c = pcall(box.users.delete, '\(idle)', {force = true})
            return {held = a[1] == false and a[2].status == 403, moved = b, idle = c}
            """)
        #expect(r["held"] == .boolean(true) && r["moved"] == .boolean(true) && r["idle"] == .boolean(true), "\(r)")
    }

    @Test func collaborationsAreChangedAndRemovedAsChanges() throws {
        let collab = try #require(Self.seed.content.collaborations.first { $0.role != "viewer" })
        let dry = try BoxHarness(dryRun: true)
        let d = try dry.run(
            """
            local c = box.collaborations.update('\(collab.id)', {role = 'viewer'})
            return {deleted = box.collaborations.delete('\(collab.id)')}
            """)
        #expect(d["deleted"] == .boolean(true) && dry.changesSent.isEmpty)
        let h = try BoxHarness()
        let r = try h.run(
            """
            local listed = box.folders.collaborations('\(collab.folderID)')
            local c = box.collaborations.update('\(collab.id)', {role = 'viewer'})
            local deleted = box.collaborations.delete('\(collab.id)')
            local after = box.folders.collaborations('\(collab.folderID)')
            return {listed = #listed, role = c.role, deleted = deleted, after = #after}
            """)
        #expect(r["role"]?.string == "viewer" && r["deleted"] == .boolean(true))
        #expect(r["after"]?.int == (r["listed"]?.int ?? 0) - 1)
        #expect(h.changesSent == ["PUT /2.0/collaborations/\(collab.id)", "DELETE /2.0/collaborations/\(collab.id)"])
        let e = h.failure("box.collaborations.update('\(collab.id)', {role = 'boss'})")
        #expect(e?.message.contains("'role' must be one of editor, viewer") == true, "\(e?.message ?? "")")
        #expect(h.failure("box.collaborations.update('x1', {role = 'viewer'})")?.message.contains("digits") == true)
    }
}

extension LuaValue {
    /// The elements of an array value; an empty table (which may read as an object) is [].
    fileprivate var items: [LuaValue]? {
        switch self {
        case .array(let a): return a
        case .object(let o) where o.isEmpty: return []
        default: return nil
        }
    }
}
