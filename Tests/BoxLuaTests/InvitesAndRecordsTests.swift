/// box.invites.get, and user records whose notification_email is null, an object or [] (issue 13).
import BoxLua
import Foundation
import LuaHost
import Testing

@Suite struct InvitesAndRecordsTests {
    @Test func anInviteIsReadBackByIdAndAnUnknownIdRaises404() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local inv = box.invites.create{login = 'sam.okoro@fabrikam.example'}
            local again = box.invites.get(inv.id)
            local ok, e = pcall(box.invites.get, '999')
            local bad_ok, bad = pcall(box.invites.get, {})
            return {same = again.id == inv.id, login = again.actionable_by.login, status = again.status,
                    ok = ok, code = e.status, bad_ok = bad_ok, bad = tostring(bad)}
            """)
        #expect(r["same"] == .boolean(true))
        #expect(r["login"]?.string == "sam.okoro@fabrikam.example" && r["status"]?.string == "pending")
        #expect(r["ok"] == .boolean(false) && r["code"]?.int == 404)
        #expect(r["bad_ok"] == .boolean(false))
        #expect(r["bad"]?.string?.contains("bad argument #1 to 'get'") == true, "\(r["bad"]?.string ?? "")")
        #expect(h.requests.contains { $0.hasPrefix("GET /2.0/invites/") })
    }

    /// Box sends null for an unset notification email (the sandbox too); `[]`, which older
    /// answers held, and an object must keep reading the same way in a script.
    @Test func notificationEmailReadsAsNilOrATableWhateverBoxSends() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local me = box.users.me()
            local with_email
            for u in box.users.list() do
              if u.notification_email then with_email = u break end
            end
            local old = json.decode('{"notification_email": []}')
            return {unset = me.notification_email == nil, email = with_email.notification_email.email,
                    old = type(old.notification_email) == 'table' and old.notification_email.email == nil}
            """)
        #expect(r["unset"] == .boolean(true))
        #expect(r["email"]?.string?.contains("@") == true)
        #expect(r["old"] == .boolean(true))
    }
}
