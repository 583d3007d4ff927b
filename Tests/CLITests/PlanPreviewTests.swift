/// Issue 16 part 1 with the real binary: each plan line carries the dry-run line's description of
/// the change (`"preview"`), so a plan reads well; `apply` sends the request, never the preview, and
/// plans written before the field existed still apply. README's one-liner prints a plan as a table.
import BoxChanges
import Foundation
import JSON
import Testing
import TestSupport

private func run(_ s: DemoSandbox, _ args: [String]) throws -> ProcessResult {
    try TestSupport.boxlua(args, environment: s.processEnvironment, directory: s.home.path)
}

/// README's one-liner ("Dry run and plans"), word for word but for the plan's file name.
private func showPlanOneLiner(_ file: String) -> String {
    #"local t = {} for l in io.lines(""# + file
        + #"") do local c = json.decode(l) if c.seq then t[#t+1] = {seq = c.seq, op = c.op, who = c.subject.login or c.subject.id, change = c.preview, warnings = c.warnings and table.concat(c.warnings, "; ")} end end show(t, {"seq", "op", "who", "change", "warnings"})"#
}

/// An active user with role `user` who owns content, as `id`, `login`, `space_used`.
private func contentOwner(_ s: DemoSandbox) throws -> (id: String, login: String, used: String) {
    let pick = try run(
        s,
        [
            "-e",
            """
            for u in box.users.list{fields = {'space_used', 'role', 'status'}} do
              if u.role == 'user' and u.status == 'active' and u.space_used > 0 then print(u.id, u.login, u.space_used) break end
            end
            """,
        ])
    let owner = pick.stdout.split(separator: "\n").first?.split(separator: "\t").map(String.init) ?? []
    #expect(pick.status == 0 && owner.count == 3, "\(pick.stderr)")
    return (owner[0], owner[1], owner[2])
}

@Suite struct PlanPreview {
    @Test func eachPlanLineCarriesWhatItsDryRunLineSays() throws {
        let s = try DemoSandbox()
        let (id, login, used) = try contentOwner(s)
        let plan = s.home.appendingPathComponent("preview.plan").path
        let made = try run(
            s,
            [
                "--plan", plan, "-e",
                "box.users.suspend('\(id)') box.users.update('\(id)', {status = 'active'}) box.users.delete('\(id)')"
                    + " box.users.delete('\(id)', {force = true})",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        let lines = try String(contentsOfFile: plan, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(lines)")
        let reason =
            "Box will refuse: the user still owns content (space_used \(used)) and none of it is transferred before this delete"
        let subject = #""subject":{"id":"\#(id)","login":"\#(login)"}"#
        // The request first, as before; then what changes, then the warnings.
        #expect(
            lines[1].hasSuffix(#""body":{"status":"inactive"},\#(subject),"preview":"status: active -> inactive"}"#),
            "\(lines[1])")
        // Compared with the user as read now (active): nothing to change.
        #expect(lines[2].hasSuffix(#""body":{"status":"active"},\#(subject),"preview":"(no change)"}"#), "\(lines[2])")
        #expect(lines[3].hasSuffix(#"\#(subject),"warnings":["\#(reason)"]}"#), "\(lines[3])")
        // force does not help while the demo's legal hold exists: Box refuses the owner's delete.
        #expect(
            lines[4].contains(#"\#(subject),"preview":"force","warnings":["Box will refuse: held by legal hold "#),
            "\(lines[4])")
        let parsed = try Plan.parse(lines.joined(separator: "\n") + "\n")
        #expect(parsed.changes.map(\.preview) == ["status: active -> inactive", "(no change)", nil, "force"])
        #expect(parsed.changes.prefix(3).map(\.warnings) == [[], [], [reason]])
        #expect(
            parsed.changes[3].warnings.count == 1 && parsed.changes[3].warnings[0].hasPrefix("Box will refuse: held by")
        )
        #expect(s.changes.isEmpty)
    }

    @Test func aTransferLineNamesItsDestination() throws {
        let s = try DemoSandbox()
        let (id, login, _) = try contentOwner(s)
        let me = try run(s, ["-e", "local u = box.users.me() print(u.id, u.login)"])
        let admin = me.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t").map(String.init)
        #expect(me.status == 0 && admin.count == 2, "\(me.stderr)")
        let plan = s.home.appendingPathComponent("transfer.plan").path
        let made = try run(s, ["--plan", plan, "-e", "box.users.transfer_content('\(id)', '\(admin[0])')"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(
            made.stderr.hasPrefix("[dry-run] users.transfer_content \(id) (\(login)) to \(admin[0]) (\(admin[1]))\n"))
        let change = try #require(try Plan.parse(String(contentsOfFile: plan, encoding: .utf8)).changes.first)
        #expect(change.preview == "to \(admin[0]) (\(admin[1]))")
        #expect(change.body == ["owned_by": ["id": .string(admin[0])]])
    }

    /// A plan written before plan lines carried `preview` (the same lines without it, with its
    /// own trailer) applies, and apply sends the same requests as for the plan with it.
    @Test func aPlanWithoutPreviewsStillApplies() throws {
        let s = try DemoSandbox()
        let (id, _, _) = try contentOwner(s)
        let plan = s.home.appendingPathComponent("new.plan").path
        let made = try run(
            s, ["--plan", plan, "-e", "box.users.update('\(id)', {status = 'inactive', job_title = 'Leaver'})"])
        #expect(made.status == 0, "\(made.stderr)")
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[1].contains(#","preview":"#), "\(text)")
        let preview = try #require(lines[1].range(of: #","preview":"[^"]*""#, options: .regularExpression))
        var old = lines[0] + "\n" + lines[1].replacingCharacters(in: preview, with: "") + "\n"
        #expect(!old.contains("preview"))
        old += #"{"boxlua_plan_end":1,"sha256":""# + SHA256.hex(Array(old.utf8)) + "\"}\n"
        #expect(try Plan.parse(old).changes.first?.preview == nil)
        let oldPlan = s.home.appendingPathComponent("old.plan").path
        try old.write(toFile: oldPlan, atomically: true, encoding: .utf8)

        let applied = try run(s, ["apply", oldPlan])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(s.changes == ["PUT /2.0/users/\(id)"], "\(s.changes)")
        let after = try run(
            s,
            ["-e", "local u = box.users.get('\(id)', {fields = {'status', 'job_title'}}) print(u.status, u.job_title)"])
        #expect(after.stdout == "inactive\tLeaver\n", "\(after.stderr)")
    }

    @Test func readmeOneLinerPrintsAPlanAsATable() throws {
        let s = try DemoSandbox()
        let (id, login, used) = try contentOwner(s)
        let plan = s.home.appendingPathComponent("leavers.plan").path
        let made = try run(s, ["--plan", plan, "-e", "box.users.suspend('\(id)') box.users.delete('\(id)')"])
        #expect(made.status == 0, "\(made.stderr)")
        let readme = try String(contentsOf: packageRoot().appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("boxlua -e '" + showPlanOneLiner("leavers.plan") + "'"))

        let shown = try run(s, ["-e", showPlanOneLiner(plan)])
        #expect(shown.status == 0, "\(shown.stderr)")
        let reason =
            "Box will refuse: the user still owns content (space_used \(used)) and none of it is transferred before this delete"
        // show() cuts a cell at 60 characters; runs of spaces (the alignment) are compared as one.
        let warning = String(reason.prefix(59)) + "…"
        let rows = shown.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        #expect(rows.count == 5, "\(shown.stdout)")
        #expect(rows.first == "seq op who change warnings", "\(shown.stdout)")
        #expect(
            rows.dropFirst(2) == [
                "1 users.update \(login) status: active -> inactive", "2 users.delete \(login) \(warning)", "(2 rows)",
            ], "\(shown.stdout)")
        #expect(s.changes.isEmpty)
    }
}
