/// The built binary against a sandbox running in this test process (so its request log is
/// readable): examples end to end, plans and apply, crashes, signals, secrets.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport

typealias LiveSandbox = DemoSandbox

extension DemoSandbox {
    func boxlua(_ args: [String], timeout: TimeInterval = 120) throws -> ProcessResult {
        try TestSupport.boxlua(args, environment: processEnvironment, directory: home.path, timeout: timeout)
    }
}

let examples = packageRoot().appendingPathComponent("scripts/examples").path

@Suite(.serialized) struct ExampleScripts {
    @Test func deprovisionLeaversDryRunThenReal() throws {
        let s = try LiveSandbox()
        let dry = try s.boxlua(["--dry-run", "\(examples)/deprovision-leavers.lua"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(
            dry.stderr.contains(
                "[dry-run] 101 changes: 26 memberships.delete, 25 users.delete, 25 users.transfer_content, 25 users.update"
            ))
        #expect(dry.stderr.contains("[dry-run] nothing was sent"))
        #expect(s.changes.isEmpty)
        #expect(dry.stdout.contains("(25 rows)"))
        let expected = try Self.collaborationsOnLeaversFolders()
        #expect(expected.count > 10 && expected.contains { $0.hasSuffix(",yes") })
        #expect(try Self.rows(s.home.appendingPathComponent("collaborators-losing-access.csv")) == expected)
        let live = try s.boxlua(["\(examples)/deprovision-leavers.lua", "\(examples)/ad-export.csv", "", "live.csv"])
        #expect(live.status == 0, "\(live.stderr)")
        #expect(
            live.stderr.contains(
                "changes sent: 26 memberships.delete, 25 users.delete, 25 users.transfer_content, 25 users.update"))
        #expect(s.changes.count == 101)
        #expect(try Self.rows(s.home.appendingPathComponent("live.csv")) == expected)
        let again = try s.boxlua(["--dry-run", "\(examples)/deprovision-leavers.lua"])
        #expect(again.stderr.contains("[dry-run] 0 changes"), "\(again.stderr)")
    }

    /// The collaborations the demo seed has on folders its leavers own, as the example writes
    /// them: owner, folder id, collaborator, role, status, external.
    static func collaborationsOnLeaversFolders() throws -> [String] {
        let export = try String(contentsOfFile: "\(examples)/ad-export.csv", encoding: .utf8)
        var leavers = Set<String>()
        for line in export.split(separator: "\r\n").dropFirst(2) {
            let fields = line.split(separator: "\",\"", omittingEmptySubsequences: false)
            if fields.count > 4 && fields[4] == "False" { leavers.insert(fields[3].lowercased()) }
        }
        let seed = SandboxSeed.demo()
        let users = Dictionary(uniqueKeysWithValues: seed.users.map { ($0.id, $0) })
        var out: [String] = []
        for f in seed.content.folders where f.parentID == "0" {
            guard let owner = users[f.ownerID], leavers.contains(owner.login.lowercased()) else { continue }
            let domain = owner.login.split(separator: "@").last.map(String.init) ?? ""
            for c in seed.content.collaborations where c.folderID == f.id {
                let who = users[c.userID]?.login ?? ""
                let external = who.hasSuffix("@" + domain) ? "no" : "yes"
                out.append([owner.login, f.id, who, c.role, c.status, external].joined(separator: ","))
            }
        }
        return out.sorted()
    }

    /// The same columns from the example's CSV.
    static func rows(_ file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(
            lines.first?.joined(separator: ",")
                == "owner,department,folder_id,folder,collaborator,collaborator_name,role,status,external")
        return lines.dropFirst().map { [$0[0], $0[2], $0[4], $0[6], $0[7], $0[8]].joined(separator: ",") }.sorted()
    }

    @Test func inactiveUsersReport() throws {
        let s = try LiveSandbox()
        let r = try s.boxlua(["\(examples)/inactive-users-report.lua", "90", "inactive.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: s.home.appendingPathComponent("inactive.csv").path, encoding: .utf8)
        let lines = csv.split(separator: "\r\n")
        #expect(lines.first == "id,login,name,role,created_at,last_login")
        #expect(lines.count > 10)
        #expect(s.changes.isEmpty)
        let dry = try s.boxlua(["--dry-run", "\(examples)/inactive-users-report.lua", "30", "dry.csv"])
        #expect(dry.status == 0 && dry.stderr.contains("[dry-run] 0 changes"), "\(dry.stderr)")
        let bad = try s.boxlua(["\(examples)/inactive-users-report.lua", "soon"])
        #expect(bad.status == 1)
        let chunk = luaChunkName("\(examples)/inactive-users-report.lua")
        #expect(bad.stderr.hasPrefix("boxlua: \(chunk):11: DAYS must be a positive number"), "\(bad.stderr)")
    }

    @Test func bulkCreateUsers() throws {
        let s = try LiveSandbox()
        let dry = try s.boxlua(["--dry-run", "\(examples)/bulk-create-users.lua"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("[dry-run] 3 changes: 3 users.create"))
        let live = try s.boxlua(["\(examples)/bulk-create-users.lua"])
        #expect(live.status == 0 && live.stderr.contains("3 created, 0 skipped"), "\(live.stderr)")
        let again = try s.boxlua(["\(examples)/bulk-create-users.lua"])
        #expect(again.stderr.contains("0 created, 3 skipped"), "\(again.stderr)")
        #expect(s.changes == Array(repeating: "POST /2.0/users", count: 3))
    }

    @Test func offboardOneUser() throws {
        let s = try LiveSandbox()
        let login = "liam.silva@northwind.example"
        let dry = try s.boxlua(["--dry-run", "\(examples)/offboard-user.lua", login])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("offboarded"))
        #expect(s.changes.isEmpty)
        let live = try s.boxlua(["\(examples)/offboard-user.lua", login])
        #expect(live.status == 0, "\(live.stderr)")
        #expect(s.changes.first == "POST /2.0/users/terminate_sessions")
        #expect(s.changes.count == 4)
        let missing = try s.boxlua(["\(examples)/offboard-user.lua", "nobody@northwind.example"])
        #expect(missing.status == 1 && missing.stderr.contains("no Box user with login nobody@northwind.example"))
    }
}

@Suite(.serialized) struct PlansAndApply {
    func makePlan(_ s: LiveSandbox) throws -> String {
        let plan = s.home.appendingPathComponent("leavers.plan").path
        s.sandbox.clearRequestLog()
        let r = try s.boxlua(["--plan", plan, "\(examples)/deprovision-leavers.lua"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            s.sandbox.requestLog.allSatisfy {
                $0.method == "GET" && $0.path.hasPrefix("/2.0/") || $0.path.hasPrefix("/oauth2/")
            })
        return plan
    }

    func planned(_ plan: String) throws -> [String] {
        try planChanges(plan).map { j in "\(j["method"]?.stringValue ?? "") \(j["path"]?.stringValue ?? "")" }
    }

    @Test func applyMakesExactlyThePlannedRequestsOnce() throws {
        let s = try LiveSandbox()
        let plan = try makePlan(s)
        let expected = try planned(plan)
        #expect(expected.count == 101)
        let r = try s.boxlua(["apply", plan])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("applied \(plan): 101 ok, 0 failed, 0 done before"))
        #expect(s.changes == expected)
        let again = try s.boxlua(["apply", plan])
        #expect(again.status == 0 && again.stderr.contains("0 ok, 0 failed, 101 done before"), "\(again.stderr)")
        #expect(s.changes == expected)
        let token = s.sandbox.credentials.accessToken
        for file in [plan, plan + ".journal", s.auditLog] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!text.contains(token), "token in \(file)")
            #expect(!text.lowercased().contains("bearer"))
        }
        #expect(try String(contentsOfFile: s.auditLog, encoding: .utf8).split(separator: "\n").count == 101)
    }

    @Test func aPlanForAnotherBoxIsRefused() throws {
        let s = try LiveSandbox()
        let plan = try makePlan(s)
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        let other = s.home.appendingPathComponent("other.plan").path
        // Edited and signed again (a new trailer), so only its base_url is wrong.
        var body = text.split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        body = body.replacingOccurrences(of: s.url, with: "https://api.box.com")
        try body.write(toFile: other, atomically: true, encoding: .utf8)
        let hash = try run("/usr/bin/sha256sum", [other]).stdout.prefix(64)
        try (body + #"{"boxlua_plan_end":101,"sha256":"\#(hash)"}"# + "\n").write(
            toFile: other, atomically: true, encoding: .utf8)
        let r = try s.boxlua(["apply", other])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the plan was made for https://api.box.com"), "\(r.stderr)")
        #expect(s.changes.isEmpty)
        let usage = try s.boxlua(["apply"])
        #expect(usage.status == 2)
    }

    @Test func applyKilledMidwayThenRunAgainMakesEveryChangeOnce() throws {
        let s = try LiveSandbox()
        let plan = try makePlan(s)
        let expected = try planned(plan)
        s.sandbox.faults = try Faults(spec: "latency_ms=40")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: boxluaBinary())
        p.arguments = ["apply", plan]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in s.processEnvironment { env[k] = v }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        #expect(s.waitForChanges(atLeast: 20))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        let madeBeforeKill = s.changes.count
        #expect(madeBeforeKill > 0 && madeBeforeKill < 101)
        // A request the dead process left in flight is handled before its connection closes.
        #expect(s.waitUntilNoOpenConnections())
        s.sandbox.faults = Faults()
        let r = try s.boxlua(["apply", plan])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(s.changes == expected, "\(s.changes.count) changes")
        #expect(Set(s.changes).count == 101)
    }

    @Test func sigtermStopsALiveRunCleanly() throws {
        let s = try LiveSandbox(faults: "latency_ms=30")
        let script = s.home.appendingPathComponent("slow.lua").path
        try """
        for u in box.users.list{fields = {'role', 'status'}} do
          if u.role == 'user' and u.status == 'active' then box.users.update(u.id, {job_title = 'Reviewed'}) end
        end
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: boxluaBinary())
        p.arguments = [script]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in s.processEnvironment { env[k] = v }
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        #expect(s.waitForChanges(atLeast: 10))
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1, "\(stderr)")
        #expect(stderr.hasPrefix("boxlua: "), "\(stderr)")
        #expect(stderr.contains("interrupted"), "\(stderr)")
        #expect(stderr.contains("changes sent: "), "\(stderr)")
        // Every change that reached the sandbox is in the audit log; a call cut off by the signal
        // is recorded too, as interrupted ("may or may not have reached Box").
        // A request cut off mid-way is handled before its connection closes at the sandbox.
        #expect(s.waitUntilNoOpenConnections())
        let audited = try String(contentsOfFile: s.auditLog, encoding: .utf8).split(separator: "\n").map {
            try JSON.parse(String($0))
        }
        let ok = audited.filter { $0["outcome"] == "ok" }.count
        let cut = audited.filter { $0["error"]?.stringValue?.contains("interrupted") == true }.count
        #expect(ok + cut == audited.count)
        #expect(cut <= 1)
        #expect(
            s.changes.count >= ok && s.changes.count <= ok + cut, "ok \(ok), cut \(cut), Box saw \(s.changes.count)")
        #expect(s.changes.count < 200)
    }
}

@Suite struct OutputHelpers {
    @Test func showPrintsAnAlignedTable() throws {
        let r = try boxlua([
            "-e", "show({{id = '1', login = 'a@x'}, {id = '22', login = 'bb@x', extra = true}}, {'id', 'login'})",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "id  login\n--  -----\n1   a@x\n22  bb@x\n(2 rows)\n")
        let one = try boxlua(["-e", "show({login = 'a@x', id = '7'})"])
        #expect(one.stdout == "field  value\n-----  -----\nid     7\nlogin  a@x\n(2 rows)\n")
    }

    @Test func helpListsTheAPIAndOneEntry() throws {
        let all = try boxlua(["-e", "help()"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("box.users.delete"))
        #expect(all.stdout.contains("box.parallel"))
        let one = try boxlua(["-e", "help(box.users.delete)"])
        #expect(one.stdout.hasPrefix("box.users.delete(id, {force=false, notify=false}) -> true\n"), "\(one.stdout)")
        let byName = try boxlua(["-e", "help('csv.read')"])
        #expect(byName.stdout.hasPrefix("csv.read(path, {sep=, header=true, columns=})"))
    }

    @Test func logLinesAreTimestampedOnStderr() throws {
        let r = try boxlua(["-e", "log.info('%d users', 42) log.warn('careful') log.error('bad')"])
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines[0].range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO 42 users$"#, options: .regularExpression) != nil,
            "\(r.stderr)")
        let quiet = try boxlua(["--quiet", "-e", "log.info('x') log.error('only this')"])
        #expect(quiet.stderr.split(separator: "\n").count == 1 && quiet.stderr.contains("ERROR only this"))
    }

    @Test func sandboxFlagRunsAgainstTheDemoEnterprise() throws {
        let r = try boxlua(
            ["--sandbox", "-e", "print(box.users.me().login)"],
            environment: ["BOX_ACCESS_TOKEN": nil, "HOME": temporaryDirectory().path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "alex.morgan@northwind.example\n")
        #expect(!r.stdout.contains("listening"))
        let none = try boxlua(
            ["-e", "box.users.me()"],
            environment: [
                "BOX_ACCESS_TOKEN": nil, "BOX_JWT_CONFIG": nil, "BOX_CLIENT_ID": nil, "BOX_CLIENT_SECRET": nil,
                "HOME": temporaryDirectory().path, "XDG_CONFIG_HOME": nil,
            ])
        #expect(none.status == 2)
        #expect(none.stderr.hasPrefix("boxlua: no Box credentials"), "\(none.stderr)")
    }
}
