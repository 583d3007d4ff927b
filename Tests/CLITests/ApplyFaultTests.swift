/// `boxlua apply` under the faults of issue 12: failed steps of a subject, reused plan names,
/// two applies at once, cut or edited plans, unknown outcomes, the audit log, app users,
/// and kill -9 / Ctrl-C at many points of a long apply. Every assertion about what Box did
/// reads the sandbox's own request record.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport

extension DemoSandbox {
    /// Starts boxlua without waiting; stdout and stderr go to files under `home`.
    func spawn(_ args: [String], name: String = "spawned") throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: boxluaBinary())
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in processEnvironment { env[k] = v }
        p.environment = env
        p.currentDirectoryURL = home
        FileManager.default.createFile(atPath: home.appendingPathComponent("\(name).err").path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: home.appendingPathComponent("\(name).err"))
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    func stderrOf(_ name: String) -> String {
        (try? String(contentsOfFile: home.appendingPathComponent("\(name).err").path, encoding: .utf8)) ?? ""
    }

    /// Writes a Lua script under `home` and returns its path.
    func script(_ name: String, _ source: String) throws -> String {
        let path = home.appendingPathComponent(name).path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Changes the sandbox made: not GET, not token calls, with a success status.
    var madeChanges: [String] {
        sandbox.requestLog.filter { $0.method != "GET" && !$0.path.hasPrefix("/oauth2/") && $0.status < 300 }
            .map { "\($0.method) \($0.path)" }
    }

    func auditRecords(_ path: String? = nil) throws -> [JSON] {
        let text = (try? String(contentsOfFile: path ?? auditLog, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSON.parse(String($0)) }
    }
}

/// Waits for `condition` with a generous deadline; false when it never held.
@discardableResult
func waitUntil(_ seconds: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
    // Files and /proc counts announce nothing: re-check them (TestSupport's one helper for that).
    recheckUntil(timeout: seconds, condition)
}

func lineCount(_ path: String) -> Int {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count
}

/// The change lines of a plan (no header, no trailer).
func planChanges(_ plan: String) throws -> [JSON] {
    try String(contentsOfFile: plan, encoding: .utf8).split(separator: "\n").map { try JSON.parse(String($0)) }
        .filter { $0["seq"] != nil }
}

/// Lua that collects the demo's ordinary active users, in listing order, as `us`.
let ordinaryUsers = """
    local us = {}
    for u in box.users.list{fields = {'role', 'status'}} do
      if u.role == 'user' and u.status == 'active' then us[#us + 1] = u end
    end

    """

@Suite(.serialized) struct ApplyFaults {
    // Item 1: a delete never follows a failed transfer of the same subject.
    @Test func aFailedTransferSkipsTheLaterChangesOfItsSubject() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("leaver.plan").path
        let script = try s.script(
            "leaver.lua",
            ordinaryUsers + """
                box.deprovision(us[1], {transfer_to = us[2], force = true})
                box.users.update(us[3], {job_title = 'Unrelated'})
                """)
        let dry = try s.boxlua(["--plan", plan, script])
        #expect(dry.status == 0, "\(dry.stderr)")
        let lines = try planChanges(plan)
        #expect(
            lines.map { $0["op"]?.stringValue ?? "" } == [
                "users.update", "users.transfer_content", "users.delete", "users.update",
            ])
        let leaver = lines[2]["subject"]?["id"]?.stringValue ?? ""
        let destination = lines[1]["body"]?["owned_by"]?["id"]?.stringValue ?? ""
        // The destination goes away between the plan and its apply: the transfer fails. (Its own
        // content goes first: the demo's legal hold makes Box refuse a forced delete of an owner.)
        let gone = try s.boxlua([
            "-e", "box.users.transfer_content('\(destination)', box.users.me().id) box.users.delete('\(destination)')",
        ])
        #expect(gone.status == 0, "\(gone.stderr)")
        s.sandbox.clearRequestLog()
        let r = try s.boxlua(["apply", plan])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("[3/4] users.delete \(leaver)"), "\(r.stderr)")
        #expect(r.stderr.contains("skipped: an earlier change of this subject failed"), "\(r.stderr)")
        #expect(r.stderr.contains("2 ok, 1 failed, 0 done before, 1 skipped"), "\(r.stderr)")
        #expect(!s.changes.contains("DELETE /2.0/users/\(leaver)"), "\(s.changes)")
        #expect(s.madeChanges.count == 2, "\(s.changes)")
    }

    // Item 2: a plan written again under the same name gets a fresh journal.
    @Test func aReusedPlanNameAppliesTheNewChanges() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("p.plan").path
        let a = try s.script("a.lua", ordinaryUsers + "box.users.update(us[1], {job_title = 'A'})")
        let b = try s.script("b.lua", ordinaryUsers + "box.users.update(us[2], {job_title = 'B'})")
        #expect(try s.boxlua(["--plan", plan, a]).status == 0)
        let first = try s.boxlua(["apply", plan])
        #expect(first.status == 0 && first.stderr.contains("1 ok, 0 failed, 0 done before"), "\(first.stderr)")
        let oldJournal = try String(contentsOfFile: plan + ".journal", encoding: .utf8)
        let again = try s.boxlua(["--plan", plan, b])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("\(plan).journal.1"), "\(again.stderr)")
        #expect(try String(contentsOfFile: plan + ".journal.1", encoding: .utf8) == oldJournal)
        let second = try s.boxlua(["apply", plan])
        #expect(second.status == 0 && second.stderr.contains("1 ok, 0 failed, 0 done before"), "\(second.stderr)")
        #expect(s.madeChanges.count == 2, "\(s.changes)")
        // A journal made for another plan is refused: one line, exit 2, nothing sent.
        try oldJournal.write(toFile: plan + ".journal", atomically: true, encoding: .utf8)
        let before = s.changes.count
        let other = try s.boxlua(["apply", plan])
        #expect(other.status == 2, "\(other.stderr)")
        #expect(other.stderr.split(separator: "\n").count == 1, "\(other.stderr)")
        #expect(other.stderr.contains("journal") && other.stderr.contains("another plan"), "\(other.stderr)")
        #expect(s.changes.count == before)
    }

    // Item 3: a second apply of a plan that is being applied refuses to start.
    @Test func twoAppliesOfOnePlanAtOnceSendEachChangeOnce() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("both.plan").path
        let script = try s.script(
            "both.lua", ordinaryUsers + "for i = 1, 8 do box.users.update(us[i], {job_title = 'Both'}) end")
        #expect(try s.boxlua(["--plan", plan, script]).status == 0)
        s.sandbox.faults = try Faults(spec: "latency_ms=100")
        let first = try s.spawn(["apply", plan], name: "first")
        #expect(waitUntil { lineCount(plan + ".journal") >= 2 })
        let second = try s.boxlua(["apply", plan])
        #expect(second.status == 2, "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        #expect(second.stderr.contains("another boxlua apply"), "\(second.stderr)")
        first.waitUntilExit()
        #expect(first.terminationStatus == 0, "\(s.stderrOf("first"))")
        #expect(s.changes.count == 8 && Set(s.changes).count == 8, "\(s.changes)")
    }

    // Item 4: the trailer catches a cut or an edit.
    @Test func aCutOrEditedPlanIsRefused() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("cut.plan").path
        let script = try s.script(
            "cut.lua", ordinaryUsers + "for i = 1, 3 do box.users.update(us[i], {job_title = 'Cut'}) end")
        #expect(try s.boxlua(["--plan", plan, script]).status == 0)
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.removeLast() == "")
        try #require(lines.count == 5)
        #expect(lines[4].hasPrefix(#"{"boxlua_plan_end":3,"sha256":""#), "\(lines[4])")
        let cuts: [(String, String)] = [
            (lines[0...2].joined(separator: "\n") + "\n", "no end line"),
            ((lines[0...2] + [lines[4]]).joined(separator: "\n") + "\n", "2 changes"),
            (text.replacingOccurrences(of: "Cut", with: "Cat"), "sha256"),
        ]
        for (n, (bad, why)) in cuts.enumerated() {
            let path = s.home.appendingPathComponent("bad\(n).plan").path
            try bad.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try s.boxlua(["apply", path])
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(r.stderr.contains(why), "\(r.stderr)")
        }
        #expect(s.changes.isEmpty)
        let good = try s.boxlua(["apply", plan])
        #expect(good.status == 0, "\(good.stderr)")
    }

    // Item 5: a change whose outcome is unknown is checked before it is sent again.
    @Test func anUnknownOutcomeIsCheckedNotResent() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("unknown.plan").path
        let script = try s.script(
            "unknown.lua",
            ordinaryUsers + """
                box.users.delete(us[1], {force = true})
                box.users.update(us[2], {job_title = 'Checked'})
                box.users.terminate_sessions{user_ids = {us[3].id}}
                """)
        #expect(try s.boxlua(["--plan", plan, script]).status == 0)
        let changes = try planChanges(plan)
        let victim = changes[0]["subject"]?["id"]?.stringValue ?? ""
        // The delete reached Box, but the run that sent it never learnt the answer.
        #expect(try s.boxlua(["-e", "box.users.delete('\(victim)', {force = true})"]).status == 0)
        let first = try s.boxlua(["apply", plan])  // makes the journal, the update and the rest
        _ = first
        // Rewrite the journal as a cut-off run leaves it: every change unknown.
        let journal = plan + ".journal"
        let header = String(try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")[0])
        try ([header] + (1...3).map { #"{"seq":\#($0),"state":"unknown","time":"2026-12-05T00:00:00Z"}"# })
            .joined(separator: "\n").appending("\n").write(toFile: journal, atomically: true, encoding: .utf8)
        s.sandbox.clearRequestLog()
        try? FileManager.default.removeItem(atPath: s.auditLog)
        let r = try s.boxlua(["apply", plan])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("[1/3] users.delete \(victim)"), "\(r.stderr)")
        #expect(r.stderr.contains("ok (made by an interrupted run)"), "\(r.stderr)")
        #expect(r.stderr.contains("users.terminate_sessions"), "\(r.stderr)")
        #expect(r.stderr.contains("outcome unknown"), "\(r.stderr)")
        #expect(s.changes.isEmpty, "\(s.changes)")
        let audited = try s.auditRecords()
        #expect(audited.count == 2, "\(audited)")
        #expect(audited.allSatisfy { $0["note"]?.stringValue == "made by an interrupted run" && $0["outcome"] == "ok" })
        #expect(audited.allSatisfy { $0["base_url"]?.stringValue == s.url && $0["as_user"] != nil })
    }

    // Item 5: a 5xx on a change leaves its outcome unknown: journaled so, checked, then sent.
    @Test func aChangeAnswered5xxIsJournaledUnknownAndCheckedBeforeItIsSentAgain() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("5xx.plan").path
        let script = try s.script("5xx.lua", ordinaryUsers + "box.users.update(us[1], {job_title = 'Five'})")
        #expect(try s.boxlua(["--plan", plan, script]).status == 0)
        let path = try planChanges(plan)[0]["path"]?.stringValue ?? ""
        // apply's guard first reads the signed-in user (one API request; if that failed, apply
        // would refuse the plan): it passes, the change gets a 500 and the check after it a 429.
        let n = s.sandbox.requestLog.filter { !$0.path.hasPrefix("/oauth2/") }.count
        s.sandbox.faults = try Faults(spec: "server_error_every=\(n + 2),rate_limit_every=\(n + 3)")
        // One try and no waiting: the 500 is not retried, and the check's 429 is not waited out
        // (a 429 does not count as an attempt; its Retry-After passes the 0 s wait budget), so
        // the check cannot tell.
        let r = try TestSupport.boxlua(
            ["apply", plan],
            environment: s.processEnvironment.merging(["BOXLUA_MAX_ATTEMPTS": "1", "BOXLUA_MAX_WAIT": "0"]) { $1 },
            directory: s.home.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("outcome unknown"), "\(r.stderr)")
        #expect(try String(contentsOfFile: plan + ".journal", encoding: .utf8).contains(#""state":"unknown""#))
        #expect(try s.auditRecords().map { $0["outcome"]?.stringValue ?? "" } == ["unknown"])
        s.sandbox.faults = Faults()
        s.sandbox.clearRequestLog()
        let again = try s.boxlua(["apply", plan])
        #expect(again.status == 0 && again.stderr.contains("1 ok, 0 failed"), "\(again.stderr)")
        #expect(s.requests == ["GET /2.0/users/me", "GET \(path)", "PUT \(path)"], "\(s.requests)")
    }

    // Item 7: an audit log that cannot be written stops apply and a live run.
    @Test func anUnwritableAuditLogStopsBeforeTheNextChange() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("full.plan").path
        let script = try s.script(
            "full.lua", ordinaryUsers + "for i = 1, 3 do box.users.update(us[i], {job_title = 'Full'}) end")
        #expect(try s.boxlua(["--plan", plan, script]).status == 0)
        let r = try s.boxlua(["apply", "--audit-log", "/dev/full", plan])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("audit log"), "\(r.stderr)")
        #expect(s.changes.count == 1, "\(s.changes)")
        let journal = try String(contentsOfFile: plan + ".journal", encoding: .utf8)
        #expect(!journal.contains(#""state":"ok""#), "\(journal)")
        // The rerun finds the change made, logs it, and makes the rest.
        let again = try s.boxlua(["apply", plan])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(s.changes.count == 3, "\(s.changes)")
        #expect(try s.auditRecords().count == 3)

        s.sandbox.clearRequestLog()
        let live = try s.boxlua(["--audit-log", "/dev/full", script])
        #expect(live.status == 1, "\(live.stderr)")
        #expect(live.stderr.contains("audit log"), "\(live.stderr)")
        #expect(s.changes.count == 1, "\(s.changes)")
    }

    // Item 7: SIGHUP ends a live run like Ctrl-C: summary printed, every sent change logged.
    @Test func sighupStopsALiveRunWithItsSummary() throws {
        let s = try LiveSandbox(faults: "latency_ms=30")
        let script = try s.script(
            "hup.lua", ordinaryUsers + "for _, u in ipairs(us) do box.users.update(u, {job_title = 'Hup'}) end")
        let p = try s.spawn([script], name: "hup")
        #expect(waitUntil { s.changes.count >= 5 })
        let signalMasks = ((try? String(contentsOfFile: "/proc/\(p.processIdentifier)/status", encoding: .utf8)) ?? "")
            .split(separator: "\n").filter { $0.hasPrefix("Sig") }.joined(separator: " ")
        kill(p.processIdentifier, SIGHUP)
        p.waitUntilExit()
        let stderr = s.stderrOf("hup")
        #expect(
            p.terminationReason == .exit && p.terminationStatus == 1, "\(p.terminationStatus) \(signalMasks) \(stderr)")
        #expect(stderr.contains("changes sent: "), "\(stderr)")
        let ok = try s.auditRecords().filter { $0["outcome"] == "ok" }.count
        #expect(waitUntil { s.sandbox.requestsInProgress == 0 })
        #expect(s.madeChanges.count >= ok && s.madeChanges.count <= ok + 1, "ok \(ok), made \(s.madeChanges.count)")
    }

    // Item 8: app users are found by external_app_user_id, not created twice.
    @Test func appUsersAreNotCreatedTwice() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("apps.plan").path
        let script = try s.script(
            "apps.lua",
            """
            for i = 1, 3 do box.users.create_app_user{name = 'Robot ' .. i, external_app_user_id = 'robot-' .. i} end
            """)
        let dry = try s.boxlua(["--plan", plan, script])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("robot-1"), "\(dry.stderr)")
        #expect(try planChanges(plan).allSatisfy { $0["subject"]?.objectValue?.isEmpty == false })
        #expect(try s.boxlua(["apply", plan]).status == 0)
        // As a run killed after sending each create leaves the journal.
        let journal = plan + ".journal"
        let header = String(try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")[0])
        try ([header] + (1...3).map { #"{"seq":\#($0),"state":"sent","time":"2026-12-05T00:00:00Z"}"# })
            .joined(separator: "\n").appending("\n").write(toFile: journal, atomically: true, encoding: .utf8)
        let again = try s.boxlua(["apply", plan])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("made by an interrupted run"), "\(again.stderr)")
        #expect(s.changes.count == 3, "\(s.changes)")
    }

    // Item 16: an unwritable --plan path is found before any Box call.
    @Test func anUnwritablePlanPathFailsBeforeAnyBoxCall() throws {
        let s = try LiveSandbox()
        let file = s.home.appendingPathComponent("a-file").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let script = try s.script("any.lua", ordinaryUsers + "box.users.update(us[1], {job_title = 'X'})")
        let r = try s.boxlua(["--plan", file + "/p.plan", script])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("\(file)/p.plan"), "\(r.stderr)")
        #expect(s.requests.isEmpty, "\(s.requests)")
    }
}

@Suite(.serialized) struct ApplyRepeatedKills {
    // Done when: kill -9 and Ctrl-C at many points of a long apply, then reruns until done,
    // leave every change made exactly once (by the sandbox's own record) with one audit line.
    @Test func killedAndInterruptedManyTimesEveryChangeIsMadeOnceAndAuditedOnce() throws {
        let s = try LiveSandbox()
        let plan = s.home.appendingPathComponent("long.plan").path
        // 20 leavers who are active and own content, so every change has an effect on Box
        // (a change whose effect is already there is rightly found made, not sent).
        let script = try s.script(
            "leavers.lua",
            """
            local me, n = box.users.me(), 0
            for u in box.users.list{fields = {'role', 'status', 'space_used'}} do
              if n < 20 and u.role == 'user' and u.status == 'active' and (u.space_used or 0) > 0 then
                n = n + 1
                box.deprovision(u, {transfer_to = me, force = true})
              end
            end
            """)
        let dry = try s.boxlua(["--plan", plan, script])
        #expect(dry.status == 0, "\(dry.stderr)")
        let planned = try planChanges(plan).map {
            "\($0["method"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")"
        }
        #expect(planned.count == 60)
        s.sandbox.clearRequestLog()
        s.sandbox.faults = try Faults(spec: "latency_ms=5")
        let journal = plan + ".journal"
        var run = 0
        var signals: [Int32] = []
        // Kill points: after k journal lines, spread over the plan (2 lines a change).
        for k in stride(from: 2, through: 122, by: 5) {
            run += 1
            let sig = run % 3 == 0 ? SIGINT : SIGKILL
            let p = try s.spawn(["apply", plan], name: "kill\(run)")
            waitUntil { lineCount(journal) >= k || !p.isRunning }
            // Only a child still running: a reaped one's pid may belong to another process.
            if p.isRunning { kill(p.processIdentifier, sig) }
            p.waitUntilExit()
            signals.append(sig)
            // A request the dead process left in flight finishes at the sandbox first.
            #expect(waitUntil { s.sandbox.requestsInProgress == 0 })
            if sig == SIGINT && p.terminationReason == .exit {
                #expect(p.terminationStatus == 1 || p.terminationStatus == 0, "\(s.stderrOf("kill\(run)"))")
            }
        }
        var final = try s.boxlua(["apply", plan])
        for _ in 0..<3 where final.status != 0 { final = try s.boxlua(["apply", plan]) }
        #expect(final.status == 0, "\(final.stderr)")
        #expect(signals.count >= 20)
        let made = s.madeChanges
        #expect(made == planned, "made \(made.count) of \(planned.count); failed: \(s.changes.count - made.count)")
        #expect(s.changes.count == planned.count, "\(s.changes.count) change requests for \(planned.count) changes")
        let audited = try s.auditRecords()
        var perChange: [String: Int] = [:]
        for a in audited where a["outcome"] == "ok" {
            perChange["\(a["method"]?.stringValue ?? "") \(a["path"]?.stringValue ?? "")", default: 0] += 1
        }
        #expect(
            perChange.count == planned.count && perChange.values.allSatisfy { $0 == 1 },
            "\(perChange.filter { $0.value != 1 })")
        #expect(audited.count == planned.count, "\(audited.count) audit lines")
    }
}
