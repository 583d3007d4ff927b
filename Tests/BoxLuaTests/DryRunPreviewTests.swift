/// Issue 16, parts 1 and 3 (client side): a dry-run line says what the change does, and a
/// change Box (or the live run's guards) will refuse, as far as reads can tell, is marked `!`
/// with the reason, carried into the plan and counted in the summary.
import BoxChanges
import BoxClient
import Foundation
import JSON
import LuaHost
import Testing

@testable import BoxLua

/// An active plain user who owns content and one who owns nothing, with their logins and job
/// titles, and the signed-in user.
private let pickPeople = """
    local owner, empty
    for u in box.users.list{fields = {'space_used', 'role', 'status', 'job_title'}} do
      if u.role == 'user' and u.status == 'active' then
        if u.space_used > 0 and not owner then owner = u end
        if u.space_used == 0 and not empty then empty = u end
      end
    end
    local me = box.users.me()
    return {owner = owner.id, owner_login = owner.login, used = owner.space_used, title = owner.job_title,
            empty = empty.id, empty_login = empty.login, me = me.id, me_login = me.login}
    """

private struct People {
    let owner: String, ownerLogin: String, used: Int64, title: String?
    let empty: String, emptyLogin: String, me: String, meLogin: String

    init(_ h: BoxHarness) throws {
        let p = try h.run(pickPeople)
        owner = try #require(p["owner"]?.string)
        ownerLogin = try #require(p["owner_login"]?.string)
        used = try #require(p["used"]?.int)
        title = p["title"]?.string
        empty = try #require(p["empty"]?.string)
        emptyLogin = try #require(p["empty_login"]?.string)
        me = try #require(p["me"]?.string)
        meLogin = try #require(p["me_login"]?.string)
    }

    var ownsContent: String {
        "Box will refuse: the user still owns content (space_used \(used)) and none of it is transferred before this delete"
    }
}

/// A stand-in for the holds lookup (issue 16): every user is held.
private final class EveryoneHeld: DeleteBlockers {
    func blockers(ofUser userID: String, client: BoxClient, done: @escaping ([String]) -> Void) {
        done(["held by legal hold policy Litigation 7"])
    }
}

@Suite struct DryRunPreview {
    func dryLines(_ h: BoxHarness) -> [String] { h.said.filter { $0.hasPrefix("[dry-run] ") } }

    @Test func anUpdateNamesEachChangedFieldWithItsValueAsRead() throws {
        let h = try BoxHarness(dryRun: true)
        let p = try People(h)
        try h.run("box.users.update('\(p.owner)', {status = 'inactive', role = 'user', job_title = 'Leaver'})")
        try h.run("box.users.suspend('\(p.empty)') box.users.update('\(p.empty)', {role = 'user'})")
        #expect(
            dryLines(h) == [
                "[dry-run] users.update \(p.owner) (\(p.ownerLogin)) job_title: \(p.title ?? "(none)") -> Leaver, status: active -> inactive",
                "[dry-run] users.update \(p.empty) (\(p.emptyLogin)) status: active -> inactive",
                "[dry-run] users.update \(p.empty) (\(p.emptyLogin)) (no change)",
            ])
        #expect(h.changesSent.isEmpty)
    }

    @Test func aTransferNamesItsDestinationAndADeleteItsForce() throws {
        let p = try People(try BoxHarness())
        // A run that has not seen the users (the demo enterprise is the same in every sandbox):
        // the dry run reads the subject, and the destination's login for the line.
        let h = try BoxHarness(dryRun: true)
        try h.run("box.users.transfer_content('\(p.owner)', '\(p.empty)')")
        try h.run("box.users.delete('\(p.owner)', {force = true}) box.users.delete('\(p.empty)')")
        #expect(
            dryLines(h) == [
                "[dry-run] users.transfer_content \(p.owner) (\(p.ownerLogin)) to \(p.empty) (\(p.emptyLogin))",
                "[dry-run] users.delete \(p.owner) (\(p.ownerLogin)) force",
                "[dry-run] users.delete \(p.empty) (\(p.emptyLogin))",
                "[dry-run] ! users.delete \(p.empty) (\(p.emptyLogin)): boxlua will refuse: it is the destination of a content transfer in this run",
            ])
        #expect(h.requests.contains("GET /2.0/users/\(p.empty)"), "\(h.requests)")
    }

    @Test func deletingAnOwnerWithNothingTransferredFirstIsPredictedToFail() throws {
        let planPath = FileManager.default.temporaryDirectory.appendingPathComponent("warn-\(UUID())").path
        let h = try BoxHarness(plan: planPath)
        let p = try People(h)
        #expect(try h.run("return box.users.delete('\(p.owner)')") == .boolean(true))
        _ = h.runtime.finish(scriptSucceeded: true)
        #expect(
            dryLines(h).prefix(2) == [
                "[dry-run] users.delete \(p.owner) (\(p.ownerLogin))",
                "[dry-run] ! users.delete \(p.owner) (\(p.ownerLogin)): \(p.ownsContent)",
            ])
        #expect(
            h.said.suffix(3) == [
                "[dry-run] 1 change: 1 users.delete", "[dry-run] 1 of them predicted to fail (the lines with !)",
                "[dry-run] nothing was sent",
            ], "\(h.said)")
        let text = try String(contentsOfFile: planPath, encoding: .utf8)
        let line = try JSON.parse(String(text.split(separator: "\n")[1]))
        #expect(line["warnings"] == .array([.string(p.ownsContent)]), "\(line)")
        #expect(try Plan.parse(text).changes[0].warnings == [p.ownsContent])
        // The prediction holds: live, Box refuses it.
        let live = try BoxHarness()
        let e = live.failure("box.users.delete('\(p.owner)')")
        #expect(e?.message.contains("box: 400 bad_request: User has managed content") == true, "\(e?.message ?? "")")
    }

    @Test func aTransferBeforeTheDeleteOrForceMeansNoWarning() throws {
        let h = try BoxHarness(dryRun: true)
        let p = try People(h)
        let report = try h.run("return box.deprovision('\(p.owner)', {transfer_to = '\(p.me)'})")
        #expect(report["ok"] == .boolean(true))
        try h.run("box.users.delete('\(p.empty)')")
        #expect(!h.said.contains { $0.hasPrefix("[dry-run] !") }, "\(h.said)")
        #expect(
            dryLines(h) == [
                "[dry-run] users.update \(p.owner) (\(p.ownerLogin)) status: active -> inactive",
                "[dry-run] users.transfer_content \(p.owner) (\(p.ownerLogin)) to \(p.me) (\(p.meLogin))",
                "[dry-run] users.delete \(p.owner) (\(p.ownerLogin))",
                "[dry-run] users.delete \(p.empty) (\(p.emptyLogin))",
            ])
        _ = h.runtime.finish(scriptSucceeded: true)
        #expect(!h.said.contains { $0.contains("predicted to fail") })
    }

    @Test func aChangeToAProtectedUserIsAWarningInADryRunAndRefusedLive() throws {
        let h = try BoxHarness(dryRun: true)
        let p = try People(h)
        let dry = try BoxHarness(dryRun: true) { $0.protect = [p.ownerLogin] }
        let r = try dry.run(
            "local u = box.users.suspend(box.users.me()) box.users.delete('\(p.owner)', {force = true}) return u.status"
        )
        #expect(r == .string("inactive"))
        #expect(
            dryLines(dry) == [
                "[dry-run] users.update \(p.me) (\(p.meLogin)) status: active -> inactive",
                "[dry-run] ! users.update \(p.me) (\(p.meLogin)): boxlua will refuse: it is the signed-in user",
                "[dry-run] users.delete \(p.owner) (\(p.ownerLogin)) force",
                "[dry-run] ! users.delete \(p.owner) (\(p.ownerLogin)): boxlua will refuse: it is protected (--protect)",
            ])
        _ = dry.runtime.finish(scriptSucceeded: true)
        #expect(dry.said.contains("[dry-run] 2 of them predicted to fail (the lines with !)"))
        let live = try BoxHarness { $0.protect = [p.ownerLogin] }
        let e = live.failure("box.users.delete('\(p.owner)', {force = true})")
        #expect(e?.message.contains("it is protected (--protect)") == true, "\(e?.message ?? "no error")")
        #expect(live.changesSent.isEmpty)
    }

    @Test func deleteBlockersGivenToTheRunAreWarningsEvenWithForce() throws {
        let h = try BoxHarness(dryRun: true)
        let p = try People(h)
        try #require(h.runtime.session).control.deleteBlockers = [EveryoneHeld()]
        try h.run("box.users.delete('\(p.empty)', {force = true}) box.users.suspend('\(p.empty)')")
        #expect(
            dryLines(h) == [
                "[dry-run] users.delete \(p.empty) (\(p.emptyLogin)) force",
                "[dry-run] ! users.delete \(p.empty) (\(p.emptyLogin)): Box will refuse: held by legal hold policy Litigation 7",
                "[dry-run] users.update \(p.empty) (\(p.emptyLogin)) status: active -> inactive",
            ])
    }
}
