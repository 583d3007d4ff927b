/// Issue 16 with the real binary: a plan whose changes carry warnings (a dry run predicted Box
/// will refuse them) is applied like any other: each change is sent, and Box's answer decides.
import BoxChanges
import Foundation
import JSON
import Testing
import TestSupport

private func run(_ s: DemoSandbox, _ args: [String]) throws -> ProcessResult {
    try TestSupport.boxlua(args, environment: s.processEnvironment, directory: s.home.path)
}

@Suite struct PlanWarnings {
    @Test func aPlanWithWarningsAppliesAndThePredictionHolds() throws {
        let s = try DemoSandbox()
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
        let owner = pick.stdout.split(separator: "\n")[0].split(separator: "\t").map(String.init)
        #expect(pick.status == 0 && owner.count == 3, "\(pick.stderr)")
        let (id, login, used) = (owner[0], owner[1], owner[2])
        let plan = s.home.appendingPathComponent("warn.plan").path
        let made = try run(s, ["--plan", plan, "-e", "box.users.suspend('\(id)') box.users.delete('\(id)')"])
        #expect(made.status == 0, "\(made.stderr)")
        let reason =
            "Box will refuse: the user still owns content (space_used \(used)) and none of it is transferred before this delete"
        let lines = made.stderr.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(3)) == [
                "[dry-run] users.update \(id) (\(login)) status: active -> inactive",
                "[dry-run] users.delete \(id) (\(login))",
                "[dry-run] ! users.delete \(id) (\(login)): \(reason)",
            ], "\(made.stderr)")
        #expect(made.stderr.contains("[dry-run] 1 of them predicted to fail (the lines with !)\n"))
        let parsed = try Plan.parse(String(contentsOfFile: plan, encoding: .utf8))
        #expect(parsed.changes.map(\.warnings) == [[], [reason]])
        #expect(s.changes.isEmpty)

        let applied = try run(s, ["apply", plan])
        #expect(applied.status == 1, "\(applied.stderr)")
        #expect(applied.stderr.contains("User has managed content"), "\(applied.stderr)")
        #expect(s.changes == ["PUT /2.0/users/\(id)", "DELETE /2.0/users/\(id)"], "\(s.changes)")
    }
}
