import Testing
import Foundation
import JSON
import LuaHost
import BoxChanges
import BoxSandbox
@testable import BoxLua

@Suite struct DryRunAndGuards {
    let deprovisionLeavers = """
        local me = box.users.me()
        local done = {}
        for u in box.users.list{fields = {'space_used', 'role', 'status'}} do
          if u.role == 'user' and u.status == 'active' and #done < 3 then
            done[#done + 1] = box.deprovision(u, {transfer_to = me.id})
          end
        end
        return done
        """

    @Test func dryRunSendsNothingButReadsAndAnswersPlausibly() throws {
        let h = try BoxHarness(dryRun: true)
        #expect(try h.run("return box.dry_run") == .boolean(true))
        let reports = try h.run(deprovisionLeavers)
        #expect(reports.count == 3)
        #expect(reports[1]?["ok"] == .boolean(true))
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
        #expect(h.requests.allSatisfy { $0.hasPrefix("GET /2.0/") })
        let lines = h.said.filter { $0.hasPrefix("[dry-run] ") }
        #expect(lines.count == 9)
        #expect(
            lines.first?.range(
                of: #"^\[dry-run\] users\.update \d+ \(.+@northwind\.example\) status: active -> inactive$"#,
                options: .regularExpression) != nil,
            "\(lines)")
        let suspended = try h.run("local u = box.users.suspend(box.users.all()[10]) return u")
        #expect(suspended["status"]?.string == "inactive")
        #expect(suspended["login"]?.string != nil)
        #expect(try h.run("return box.users.delete(box.users.all()[10].id)") == .boolean(true))
        let folder = try h.run("return box.users.transfer_content(box.users.all()[10].id, box.users.me().id)")
        #expect(folder["type"]?.string == "folder")
        #expect(h.changesSent.isEmpty)
        _ = h.runtime.finish(scriptSucceeded: true)
        #expect(
            h.said.suffix(2) == [
                "[dry-run] 12 changes: 4 users.delete, 4 users.transfer_content, 4 users.update",
                "[dry-run] nothing was sent",
            ], "\(h.said.suffix(2))")
    }

    @Test func rawRequestsThatChangeBoxAreInterceptedToo() throws {
        let h = try BoxHarness(dryRun: true)
        let r = try h.run("return box.request('POST', '/2.0/webhooks', {body = {address = 'https://x.example'}})")
        #expect(r["dry_run"] == .boolean(true))
        #expect(h.changesSent.isEmpty)
        #expect(h.said.contains("[dry-run] request -"))
    }

    @Test func planHoldsExactlyTheChanges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID())")
        let planPath = dir.appendingPathComponent("leavers.plan").path
        let h = try BoxHarness(plan: planPath)
        _ = try h.run(deprovisionLeavers)
        #expect(h.runtime.finish(scriptSucceeded: true) == nil)
        let plan = try Plan.parse(String(contentsOfFile: planPath, encoding: .utf8))
        #expect(plan.changes.count == 9)
        #expect(plan.changes.map(\.op).prefix(3) == ["users.update", "users.transfer_content", "users.delete"])
        #expect(plan.changes[2].query.map { "\($0.0)=\($0.1)" } == ["force=false", "notify=false"])
        #expect(plan.header.baseURL == h.runtime.options.environment["BOX_BASE_URL"])
        #expect(plan.changes.allSatisfy { $0.subject.login != nil })
        let text = try String(contentsOfFile: planPath, encoding: .utf8)
        #expect(!text.contains(h.sandbox.credentials.accessToken))
        let attrs = try FileManager.default.attributesOfItem(atPath: planPath)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test func failedScriptWritesNoPlan() throws {
        let planPath = FileManager.default.temporaryDirectory.appendingPathComponent("noplan-\(UUID())").path
        let h = try BoxHarness(plan: planPath)
        _ = h.failure("box.users.suspend(box.users.me()) error('boom')")
        _ = h.runtime.finish(scriptSucceeded: false)
        #expect(!FileManager.default.fileExists(atPath: planPath))
        #expect(h.said.contains("[dry-run] plan not written: the script failed"))
    }

    @Test func maxDeletesStopsBeforeTheDeletionThatWouldPassIt() throws {
        let h = try BoxHarness(maxDeletes: 2)
        let e = h.failure(
            """
            local n = 0
            for u in box.users.list{fields = {'space_used', 'role'}} do
              if u.role == 'user' and u.space_used == 0 then box.users.delete(u.id) n = n + 1 end
            end
            """)
        #expect(e?.message.contains("--max-deletes 2 reached (2 deleted)") == true, "\(e?.message ?? "")")
        #expect(h.changesSent.filter { $0.hasPrefix("DELETE") }.count == 2)
    }

    @Test func refusesToDeleteTheSignedInUserOrATransferDestination() throws {
        let h = try BoxHarness()
        let me = h.failure("box.users.delete(box.users.me().id, {force = true})")
        #expect(
            me?.message.contains("refusing to delete") == true && me?.message.contains("the signed-in user") == true,
            "\(me?.message ?? "")")
        let dest = h.failure(
            """
            local a, b
            for u in box.users.list{fields = {'space_used', 'role', 'status'}} do
              if u.role == 'user' and u.space_used > 0 then if not a then a = u elseif not b then b = u break end end
            end
            box.users.transfer_content(a.id, b.id)
            box.users.delete(b.id, {force = true})
            """)
        #expect(dest?.message.contains("destination of a content transfer") == true, "\(dest?.message ?? "")")
        #expect(h.changesSent.filter { $0.hasPrefix("DELETE") }.isEmpty)
    }

    @Test func liveChangesAreAudited() throws {
        let h = try BoxHarness()
        _ = try h.run(deprovisionLeavers)
        _ = h.runtime.finish(scriptSucceeded: true)
        let path = h.home.appendingPathComponent("state/boxlua/audit.jsonl").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 9)
        let first = try JSON.parse(String(lines[0]))
        #expect(
            first["op"] == "users.update" && first["method"] == "PUT" && first["status"] == 200
                && first["outcome"] == "ok")
        #expect(first["request_id"]?.stringValue?.isEmpty == false)
        #expect(first["subject"]?["login"]?.stringValue != nil)
        #expect(!lines.joined().contains(h.sandbox.credentials.accessToken))
        #expect(
            h.said.contains { $0.hasPrefix("changes sent: 3 users.delete, 3 users.transfer_content, 3 users.update") })
    }
}

@Suite struct Parallel {
    @Test func everyItemOnceInOrderWithErrorsPerItem() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local ids = {}
            for u in box.users.list{page_size = 50} do ids[#ids + 1] = u.id if #ids == 40 then break end end
            ids[7] = '999'
            local res = box.parallel(ids, function(id) return box.users.get(id).id end, {workers = 8})
            local out = {n = #res}
            for i, r in ipairs(res) do
              if r.ok then assert(r.value == ids[i], 'order') else out.bad = i; out.status = r.error.status end
            end
            return out
            """)
        #expect(r["n"]?.int == 40)
        #expect(r["bad"]?.int == 7 && r["status"]?.int == 404)
        #expect(h.requests.filter { $0.hasPrefix("GET /2.0/users/") }.count == 40)
    }

    @Test func callsAreInFlightTogether() throws {
        let h = try BoxHarness()
        // The listing is read to its end, before the latency is set: a loop that broke off would
        // leave the page read ahead (issue 18) in flight beside the workers.
        _ = try h.run(
            "ids = {} for u in box.users.list{page_size = 16} do if #ids < 16 then ids[#ids + 1] = u.id end end")
        h.sandbox.faults = try Faults(spec: "latency_ms=200")
        _ = try h.run("box.parallel(ids, function(id) return box.users.get(id) end, {workers = 8})")
        // Each call takes 200 ms at the sandbox, so the first eight are all in flight together.
        #expect(h.runtime.parallelPeak == 8)
    }

    @Test func a429PausesEveryWorker() throws {
        let h = try BoxHarness(faults: try Faults(spec: "rate_limit_every=10,retry_after=1"))
        let r = try h.run(
            """
            local ids = {}
            for u in box.users.list{page_size = 30} do ids[#ids + 1] = u.id if #ids == 30 then break end end
            local res = box.parallel(ids, function(id) return box.users.get(id).id end, {workers = 8})
            local ok = 0
            for _, x in ipairs(res) do if x.ok then ok = ok + 1 end end
            return ok
            """)
        #expect(r.int == 30)
        let log = h.sandbox.requestLog
        #expect(log.contains { $0.status == 429 })
    }

    @Test func dryRunAndGuardsBehaveAsInALoop() throws {
        let h = try BoxHarness(dryRun: true)
        let r = try h.run(
            """
            local us = {}
            for u in box.users.list{fields = {'role', 'status'}} do
              if u.role == 'user' and u.status == 'active' then us[#us + 1] = u end
              if #us == 10 then break end
            end
            local me = box.users.me()
            local res = box.parallel(us, function(u) return box.deprovision(u, {transfer_to = me.id}) end)
            local ok = 0
            for _, x in ipairs(res) do if x.ok and x.value.ok then ok = ok + 1 end end
            return ok
            """)
        #expect(r.int == 10)
        #expect(h.changesSent.isEmpty)
        #expect(h.said.filter { $0.hasPrefix("[dry-run] users.") }.count == 30)

        let live = try BoxHarness(maxDeletes: 3)
        let e = live.failure(
            """
            local us = {}
            for u in box.users.list{fields = {'role', 'space_used'}} do
              if u.role == 'user' and u.space_used == 0 then us[#us + 1] = u.id end
              if #us == 12 then break end
            end
            box.parallel(us, function(id) return box.users.delete(id) end, {workers = 4})
            """)
        #expect(e?.message.contains("--max-deletes 3 reached") == true, "\(e?.message ?? "nil")")
        #expect(live.changesSent.filter { $0.hasPrefix("DELETE") }.count == 3)
    }
}
