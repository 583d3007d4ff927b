/// The group sync example end to end with the built binary: dry run, plan, apply, live, and
/// the audit lines of group changes (their subject names the group and the user).
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport

@Suite(.serialized) struct GroupSyncExample {
    static let dryLine = "[dry-run] 126 changes: 100 groups.add_member, 1 groups.create, 25 memberships.delete"

    @Test func groupSyncDryRunThenLiveThenNothingLeft() throws {
        let s = try LiveSandbox()
        let dry = try s.boxlua(["--dry-run", "\(examples)/group-sync.lua"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains(Self.dryLine), "\(dry.stderr)")
        #expect(dry.stderr.contains("[dry-run] groups.create group \"IT\""))
        #expect(dry.stdout.contains("new group: members added by the live run"))
        #expect(s.changes.isEmpty)
        let live = try s.boxlua(["\(examples)/group-sync.lua"])
        #expect(live.status == 0, "\(live.stderr)")
        // The live run also adds the new IT group's one enabled member (the admin).
        #expect(
            live.stderr.contains("changes sent: 101 groups.add_member, 1 groups.create, 25 memberships.delete"),
            "\(live.stderr)")
        #expect(s.changes.count == 127)
        let again = try s.boxlua(["--dry-run", "\(examples)/group-sync.lua"])
        #expect(again.stderr.contains("[dry-run] 0 changes"), "\(again.stderr)")
        // No leaver is left in a department group.
        let leavers = Set(DemoEnterprise.leaverLogins)
        let state = s.sandbox.stateSnapshot()
        let leaverIDs = Set(
            (state["users"]?.arrayValue ?? []).filter { leavers.contains($0["login"]?.stringValue ?? "") }.compactMap {
                $0["id"]?.stringValue
            })
        let departmentGroups = Set(
            (state["groups"]?.arrayValue ?? []).filter { $0["provenance"] == "Active Directory" }.compactMap {
                $0["id"]?.stringValue
            })
        let left = (state["memberships"]?.arrayValue ?? []).filter {
            leaverIDs.contains($0["user_id"]?.stringValue ?? "")
                && departmentGroups.contains($0["group_id"]?.stringValue ?? "")
        }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aGroupSyncPlanAppliesAndAuditsEachChangeWithItsGroupAndUser() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("groups.plan").path
        let made = try s.boxlua(["--plan", plan, "\(examples)/group-sync.lua"])
        #expect(made.status == 0, "\(made.stderr)")
        let lines = try String(contentsOfFile: plan, encoding: .utf8).split(separator: "\n").map {
            try JSON.parse(String($0))
        }
        let changes = lines.dropFirst().dropLast()
        #expect(changes.count == 126)
        let add = try #require(changes.first { $0["op"] == "groups.add_member" })
        #expect(add["method"] == "POST" && add["path"] == "/2.0/group_memberships")
        #expect(add["subject"]?["kind"] == "group" && add["subject"]?["name"]?.stringValue != nil)
        #expect(add["subject"]?["user"]?["login"]?.stringValue?.hasSuffix("@northwind.example") == true)
        #expect(add["body"]?["user"]?["id"] == add["subject"]?["user"]?["id"])
        let drop = try #require(changes.first { $0["op"] == "memberships.delete" })
        #expect(drop["subject"]?["kind"] == "membership" && drop["subject"]?["group"]?["name"]?.stringValue != nil)
        #expect(drop["subject"]?["user"]?["login"]?.stringValue != nil)
        let r = try s.boxlua(["apply", plan])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("applied \(plan): 126 ok, 0 failed, 0 done before"), "\(r.stderr)")
        #expect(r.stderr.contains("groups.add_member group 7100000 (Sales), user "), "\(r.stderr)")
        let audit = try String(contentsOfFile: s.auditLog, encoding: .utf8).split(separator: "\n").map {
            try JSON.parse(String($0))
        }
        #expect(audit.count == 126)
        let line = try #require(audit.first { $0["op"] == "memberships.delete" })
        #expect(line["subject"] == drop["subject"] && line["outcome"] == "ok" && line["status"] == 204)
    }
}
