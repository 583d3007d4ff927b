/// A change made on Box whose answer was lost (a proxy's 502 after Box did it): the client checks
/// Box before any resend, the change is made once, and the script gets the record the check read.
import BoxSandbox
import Testing

@testable import BoxLua

@Suite struct LostAnswers {
    @Test func aLiveChangeWhoseAnswerWasLostIsCheckedNotResent() throws {
        let h = try BoxHarness(faults: try Faults(spec: "gateway_error_after_change_every=1"))
        let r = try h.run(
            """
            local us = {}
            for u in box.users.list{fields = {'role', 'status', 'space_used'}} do
              -- us[2] owns nothing: the demo's legal hold makes Box refuse a forced delete of an owner.
              if u.role == 'user' and u.status == 'active' and (#us ~= 1 or u.space_used == 0) then us[#us + 1] = u end
            end
            local updated = box.users.update(us[1], {job_title = 'Checked'})
            local created = box.users.create{name = 'Lost Answer', login = 'lost.answer@northwind.example'}
            local deleted = box.users.delete(us[2], {force = true})
            return {title = updated.job_title, id = updated.id == us[1].id, login = created.login, deleted = deleted,
                    still = box.users.get(us[1]).job_title}
            """)
        #expect(r["title"]?.string == "Checked" && r["id"] == .boolean(true), "\(r)")
        #expect(r["login"]?.string == "lost.answer@northwind.example", "\(r)")
        #expect(r["deleted"] == .boolean(true) && r["still"]?.string == "Checked")
        // Each change reached the sandbox once: no blind resend after the 502.
        let changes = h.demo.changes
        #expect(changes.filter { $0.hasPrefix("PUT ") }.count == 1, "\(changes)")
        #expect(changes.filter { $0.hasPrefix("POST ") }.count == 1, "\(changes)")
        #expect(changes.filter { $0.hasPrefix("DELETE ") }.count == 1, "\(changes)")
    }
}
