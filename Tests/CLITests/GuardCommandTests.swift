/// Issue 12, items 10 and 13 with the real binary: `--protect`, apply's pre-flight check of a
/// whole plan, and rehearsals (`--sandbox`) that keep out of the live audit log.
import BoxChanges
import Foundation
import JSON
import Testing
import TestSupport

/// A deletable demo user and one who owns content, as "ID LOGIN" lines the test reads.
private let pickUsers = """
    local victim, owner
    for u in box.users.list{fields = {'space_used', 'role', 'status'}} do
      if u.role == 'user' and u.status == 'active' then
        if u.space_used == 0 and not victim then victim = u end
        if u.space_used > 0 and not owner then owner = u end
      end
    end
    print(victim.id, victim.login) print(owner.id, owner.login) print(box.users.me().id)
    """

private struct DemoUsers {
    let victim: (id: String, login: String), owner: (id: String, login: String), me: String

    init(_ s: DemoSandbox) throws {
        let r = try s.run(["-e", pickUsers])
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        guard r.status == 0, lines.count == 3 else { throw CocoaError(.fileReadCorruptFile) }
        victim = (lines[0][0], lines[0][1])
        owner = (lines[1][0], lines[1][1])
        me = lines[2][0]
    }
}

extension DemoSandbox {
    fileprivate func run(_ args: [String]) throws -> ProcessResult {
        try TestSupport.boxlua(args, environment: processEnvironment, directory: home.path)
    }

    /// A plan written by hand (as an edited plan would be), with a valid trailer.
    fileprivate func handPlan(
        _ changes: [(method: String, path: String, body: JSON?, subject: String)], baseURL: String? = nil
    ) throws -> String {
        let planned = changes.enumerated().map { i, c in
            PlannedChange(
                seq: i + 1, op: "request", method: c.method, path: c.path, query: [], body: c.body, asUser: nil,
                subject: ChangeSubject(id: c.subject, login: nil))
        }
        let plan = Plan(
            header: PlanHeader(createdAt: "2026-01-01T00:00:00Z", baseURL: baseURL ?? url, asUser: nil),
            changes: planned)
        let path = home.appendingPathComponent("hand-\(UUID().uuidString).plan").path
        try plan.jsonLines().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

@Suite struct ProtectOption {
    @Test func aProtectedUserByLoginOrIDIsNeverChanged() throws {
        let s = try DemoSandbox()
        let u = try DemoUsers(s)
        // By login, the look-up names the user; by id, only the id is known.
        for (who, label) in [
            (u.victim.login.uppercased(), "\(u.victim.id) (\(u.victim.login))"), (u.victim.id, u.victim.id),
        ] {
            let r = try s.run(["--protect", who, "-e", "box.users.suspend('\(u.victim.id)')"])
            #expect(r.status == 1, "\(r.stderr)")
            #expect(
                r.stderr
                    == "boxlua: (command line):1: box: 0 refused: refusing to change \(label): it is protected (--protect) (PUT /2.0/users/\(u.victim.id))\n",
                "\(r.stderr)")
        }
        let other = try s.run(["--protect=\(u.victim.login)", "-e", "box.users.suspend('\(u.owner.id)')"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(s.changes == ["PUT /2.0/users/\(u.owner.id)"], "\(s.changes)")
    }

    @Test func aProtectLoginThatMatchesNobodyRefusesChangesToUsers() throws {
        let s = try DemoSandbox()
        let u = try DemoUsers(s)
        let r = try s.run(["--protect", "nobody@nowhere.example", "-e", "box.users.suspend('\(u.owner.id)')"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "refusing to change \(u.owner.id): --protect nobody@nowhere.example is not resolved to a user (no user has that login), so it cannot be protected"
            ), "\(r.stderr)")
        #expect(s.changes.isEmpty)
    }
}

@Suite struct ApplyPreflight {
    @Test func aPlanDeletingAProtectedUserIsRefusedBeforeAnythingIsSent() throws {
        let s = try DemoSandbox()
        let u = try DemoUsers(s)
        let plan = s.home.appendingPathComponent("p.plan").path
        let made = try s.run([
            "--plan", plan, "-e", "box.users.suspend('\(u.owner.id)') box.users.delete('\(u.victim.id)')",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let r = try s.run(["apply", plan, "--protect", u.victim.login])
        #expect(r.status == 2)
        #expect(
            r.stderr
                == "boxlua apply: \(plan): plan line 3 (seq 2): refusing to delete \(u.victim.id) (\(u.victim.login)): it is protected (--protect); nothing was sent\n",
            "\(r.stderr)")
        #expect(s.changes.isEmpty, "\(s.changes)")
        let ok = try s.run(["apply", plan])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(s.changes.count == 2)
    }

    @Test func aHandEditedPlanCannotDeleteTheSignedInUserOrATransferDestination() throws {
        let s = try DemoSandbox()
        let u = try DemoUsers(s)
        let me = try s.handPlan([(method: "DELETE", path: "/2.0/users/\(u.me)", body: nil, subject: u.me)])
        let r = try s.run(["apply", me])
        #expect(r.status == 2)
        #expect(
            r.stderr
                == "boxlua apply: \(me): plan line 2 (seq 1): refusing to delete \(u.me): it is the signed-in user; nothing was sent\n",
            "\(r.stderr)")
        let dest = try s.handPlan([
            (
                method: "PUT", path: "/2.0/users/\(u.owner.id)/folders/0",
                body: ["owned_by": ["id": .string(u.victim.id)]], subject: u.owner.id
            ),
            (method: "DELETE", path: "/2.0/users/./\(u.victim.id)", body: nil, subject: u.victim.id),
            (method: "DELETE", path: "/2.0/users/\(u.victim.id)", body: nil, subject: u.victim.id),
        ])
        let d = try s.run(["apply", dest])
        #expect(d.status == 2)
        #expect(
            d.stderr.hasPrefix(
                "boxlua apply: \(dest): plan line 3 (seq 2): refusing DELETE /2.0/users/./\(u.victim.id): the path is not in its one clean form"
            ), "\(d.stderr)")
        let clean = try s.handPlan([
            (
                method: "PUT", path: "/2.0/users/\(u.owner.id)/folders/0",
                body: ["owned_by": ["id": .string(u.victim.id)]], subject: u.owner.id
            ),
            (method: "DELETE", path: "/2.0/users/\(u.victim.id)", body: nil, subject: u.victim.id),
        ])
        let c = try s.run(["apply", clean])
        #expect(c.status == 2)
        #expect(
            c.stderr
                == "boxlua apply: \(clean): plan line 3 (seq 2): refusing to delete \(u.victim.id): it is the destination of a content transfer in this run; nothing was sent\n",
            "\(c.stderr)")
        #expect(s.changes.isEmpty, "\(s.changes)")
    }
}

@Suite struct Rehearsals {
    @Test func sandboxRunsAndApplyWriteTheSandboxAuditLogAndPlansSaySandbox() throws {
        let s = try DemoSandbox()  // only for its private home and environment
        let state = s.home.appendingPathComponent("state/boxlua")
        let live = state.appendingPathComponent("audit.jsonl").path
        let rehearsal = state.appendingPathComponent("sandbox/audit.jsonl").path
        let script = "box.users.suspend(box.users.all{user_type = 'managed'}[7])"
        let run = try s.run(["--sandbox", "-e", script])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: live))
        #expect(try String(contentsOfFile: rehearsal, encoding: .utf8).split(separator: "\n").count == 1)

        let plan = s.home.appendingPathComponent("r.plan").path
        let made = try s.run(["--sandbox", "--plan", plan, "-e", script])
        #expect(made.status == 0, "\(made.stderr)")
        let header = try JSON.parse(String(try String(contentsOfFile: plan, encoding: .utf8).split(separator: "\n")[0]))
        #expect(header["base_url"]?.stringValue == "sandbox")
        let applied = try s.run(["apply", plan, "--sandbox"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("1 ok, 0 failed"), "\(applied.stderr)")
        #expect(try String(contentsOfFile: rehearsal, encoding: .utf8).split(separator: "\n").count == 2)
        #expect(!FileManager.default.fileExists(atPath: live))
        // Each rehearsal is on a fresh sandbox: the last one's journal does not make it skip changes.
        let again = try s.run(["apply", plan, "--sandbox"])
        #expect(again.status == 0 && again.stderr.contains("1 ok, 0 failed"), "\(again.stderr)")
        // Not against the real thing, and a real plan not against the sandbox.
        let real = try s.run(["apply", plan])
        #expect(real.status == 2 && real.stderr.contains("the plan was made for sandbox"), "\(real.stderr)")
        let explicit = s.home.appendingPathComponent("mine.jsonl").path
        let chosen = try s.run(["--sandbox", "--audit-log", explicit, "-e", script])
        #expect(chosen.status == 0 && FileManager.default.fileExists(atPath: explicit), "\(chosen.stderr)")
        #expect(s.changes.isEmpty, "\(s.changes)")
    }
}

@Suite struct ProtectInTheProfile {
    @Test func aProfilesProtectArrayProtectsToo() throws {
        let s = try DemoSandbox()
        let u = try DemoUsers(s)
        let config = s.home.appendingPathComponent("config/boxlua")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "[profiles.default]\nprotect = [\"\(u.victim.login)\", '\(u.owner.id)']\n"
            .write(to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        for id in [u.victim.id, u.owner.id] {
            let r = try s.run(["-e", "box.users.suspend('\(id)')"])
            #expect(r.status == 1 && r.stderr.contains("it is protected (--protect)"), "\(r.stderr)")
        }
        let plan = try s.handPlan([(method: "DELETE", path: "/2.0/users/\(u.owner.id)", body: nil, subject: u.owner.id)]
        )
        let a = try s.run(["apply", plan])
        #expect(a.status == 2 && a.stderr.contains("it is protected (--protect); nothing was sent"), "\(a.stderr)")
        #expect(s.changes.isEmpty, "\(s.changes)")
    }
}
