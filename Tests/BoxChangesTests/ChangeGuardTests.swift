/// ChangeGuard's rules as pure logic: whom a change may touch, and the line that says why not.
import BoxClient
import JSON
import Testing

@testable import BoxChanges

@Suite struct ChangeGuardRules {
    func refusal(_ g: ChangeGuard, _ method: String, _ path: String) -> String? {
        g.refusal(BoxRequest(method, path)) { $0 }
    }

    @Test func unknownSignedInUserRefusesChangesToUsersOnly() {
        var g = ChangeGuard()
        #expect(
            refusal(g, "PUT", "/2.0/users/7")
                == "refusing to change 7: the signed-in user is not known yet, so it cannot be protected")
        g.signedIn = .lookUpFailed("GET /2.0/users/me: 500 internal_server_error")
        #expect(
            refusal(g, "DELETE", "/2.0/users/7")?.hasSuffix(
                "could not be looked up (GET /2.0/users/me: 500 internal_server_error), so it cannot be protected")
                == true)
        #expect(refusal(g, "POST", "/2.0/users") == nil)
        #expect(refusal(g, "POST", "/2.0/groups") == nil)
        g.signedIn = .known("1")
        #expect(refusal(g, "DELETE", "/2.0/users/7") == nil)
        #expect(
            refusal(g, "PUT", "/2.0/users/1/folders/0")
                == "refusing to transfer the content of 1: it is the signed-in user")
    }

    @Test func protectedLoginsMustResolveAndDestinationsAreNotDeleted() {
        var g = ChangeGuard(protect: ["9", "a@x.example"])
        g.signedIn = .known("1")
        #expect(
            refusal(g, "PUT", "/2.0/users/7")?.contains(
                "--protect a@x.example is not resolved to a user (not looked up yet)") == true)
        g.resolved(login: "a@x.example", id: "8")
        #expect(refusal(g, "PUT", "/2.0/users/8") == "refusing to change 8: it is protected (--protect)")
        #expect(refusal(g, "DELETE", "/2.0/users/9") == "refusing to delete 9: it is protected (--protect)")
        g.allowed(BoxRequest("PUT", "/2.0/users/1/folders/0", body: ["owned_by": ["id": "7"]]))
        #expect(refusal(g, "PUT", "/2.0/users/7") == nil)
        #expect(
            refusal(g, "DELETE", "/2.0/users/7")
                == "refusing to delete 7: it is the destination of a content transfer in this run")
        #expect(
            refusal(g, "DELETE", "/2.0/users/./7")?.hasPrefix(
                "refusing DELETE /2.0/users/./7: the path is not in its one clean form") == true)
    }

    @Test func aPlanIsCheckedWholeWithOpsWorkedOutAgain() {
        var g = ChangeGuard()
        g.signedIn = .known("1")
        func change(_ seq: Int, _ method: String, _ path: String, _ body: JSON? = nil) -> PlannedChange {
            PlannedChange(
                seq: seq, op: "request", method: method, path: path, query: [], body: body, asUser: nil,
                subject: ChangeSubject(id: nil, login: nil))
        }
        let header = PlanHeader(createdAt: "", baseURL: "x", asUser: nil)
        // The delete comes before the transfer that makes 5 a destination: still refused.
        let plan = Plan(
            header: header,
            changes: [
                change(1, "DELETE", "/2.0/users/5"),
                change(2, "PUT", "/2.0/users/4/folders/0", ["owned_by": ["id": "5"]]),
            ])
        #expect(throws: PlanGuardError.self) { try ChangeGuard.check(plan: plan, guard: g) }
        do { try ChangeGuard.check(plan: plan, guard: g) } catch {
            #expect(
                error.description
                    == "plan line 2 (seq 1): refusing to delete 5: it is the destination of a content transfer in this run"
            )
        }
        let fine = Plan(
            header: header,
            changes: [
                change(1, "PUT", "/2.0/users/4/folders/0", ["owned_by": ["id": "5"]]),
                change(2, "DELETE", "/2.0/users/4"),
            ])
        #expect(throws: Never.self) { try ChangeGuard.check(plan: fine, guard: g) }
    }
}
