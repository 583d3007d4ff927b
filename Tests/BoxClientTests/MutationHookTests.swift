/// The single place mutations pass: the hook sees every one, can answer or refuse, and the
/// observer hears about every change actually sent.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct MutationHookTests {
    func someUserID(_ c: BoxClient, skip: Set<String>) throws -> String {
        let page = try #require(try c.listUsers(fields: "id,role", pageSize: 50).next())
        return try #require(
            page.entries.first { !skip.contains($0["id"]?.stringValue ?? "") && $0["role"] != "admin" }?["id"]?
                .stringValue)
    }

    @Test func hookSeesEveryMutationAndNothingIsSentWhenItResponds() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.ccg
        var seen: [String] = []
        c.mutationHook = { request, decide in
            seen.append("\(request.op) \(request.method) \(request.path)")
            decide(.respond(BoxResponse(status: request.method == "DELETE" ? 204 : 200, json: ["dry": true])))
        }
        var observed = 0
        c.sentObserver = { _, _, _ in observed += 1 }
        let id = try someUserID(c, skip: [f.credentials.adminUserID])
        #expect(try c.updateUser(id, ["status": "inactive"]) == ["dry": true])
        try c.deleteUser(id, force: true)
        _ = try c.transferContent(from: id, to: f.credentials.adminUserID)
        _ = try c.terminateSessions(userIDs: [id])
        _ = try c.invite(enterpriseID: f.credentials.enterpriseID, login: "x@example.com")
        _ = try c.send(BoxRequest("POST", "/2.0/webhooks", body: ["address": "https://x.example"]))
        _ = try c.getUser(id)
        #expect(
            seen == [
                "users.update PUT /2.0/users/\(id)", "users.delete DELETE /2.0/users/\(id)",
                "users.transfer_content PUT /2.0/users/\(id)/folders/0",
                "users.terminate_sessions POST /2.0/users/terminate_sessions",
                "invites.create POST /2.0/invites", "request POST /2.0/webhooks",
            ])
        #expect(f.log().allSatisfy { $0.method == "GET" || $0.path == "/oauth2/token" })
        #expect(observed == 0)
    }

    @Test func hookCanRefuse() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.developer
        c.mutationHook = { request, decide in
            decide(
                request.op == "users.delete"
                    ? .refuse(BoxError(status: 0, code: "max_deletes", message: "refusing to delete more than 0 users"))
                    : .send)
        }
        let id = try someUserID(c, skip: [f.credentials.adminUserID])
        do {
            try c.deleteUser(id)
            Issue.record("the guard did not stop the delete")
        } catch {
            #expect(error.code == "max_deletes")
        }
        #expect(f.log().allSatisfy { $0.method != "DELETE" })
    }

    @Test func asyncHookReadsForRealThenMerges() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.developer
        c.mutationHook = { request, decide in
            guard request.op == "users.update", let id = request.subjectID else { return decide(.send) }
            c.start(BoxOperations.usersGet.request(id, query: [("fields", "id,name,login,status")])) { result in
                guard case .success(let r) = result, case .object(var user)? = try? r.json(),
                    case .object(let changes)? = request.body
                else { return decide(.refuse(BoxError(status: 0, code: "dry_run", message: "no user"))) }
                for (k, v) in changes { user[k] = v }
                decide(.respond(BoxResponse(status: 200, json: .object(user))))
            }
        }
        let id = try someUserID(c, skip: [f.credentials.adminUserID])
        let real = try c.getUser(id, fields: "id,name,status")
        let merged = try c.updateUser(id, ["status": "inactive"])
        #expect(merged["status"] == "inactive")
        #expect(merged["name"] == real["name"])
        #expect(f.log().allSatisfy { $0.method == "GET" })
        #expect(try c.getUser(id, fields: "status")["status"] == real["status"])
    }

    @Test func observerHearsEverySentChangeWithItsOutcome() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.developer
        var heard: [(String, Int, Int)] = []
        c.sentObserver = { request, result, attempts in
            let status = (try? result.get().status) ?? ((result.mapError { $0 }).failureStatus)
            heard.append((request.op, status, attempts))
        }
        let id = try someUserID(c, skip: [f.credentials.adminUserID])
        _ = try c.updateUser(id, ["job_title": "Audited"])
        f.sandbox.faults = {
            var x = Faults(); x.rateLimitEvery = 1; x.retryAfter = 1; return x
        }()
        var finished = false
        c.start(BoxOperations.usersUpdate.request(id, body: ["job_title": "Again"])) { _ in finished = true }
        c.engine.run { c.engine.pausedUntil > 0 }
        f.sandbox.faults = Faults()
        c.engine.run { finished }
        _ = try? c.send(
            BoxOperations.usersDelete.request("99999999999", query: [("force", "false"), ("notify", "false")]))
        _ = try c.me()
        #expect(heard.map(\.0) == ["users.update", "users.update", "users.delete"])
        #expect(heard.map(\.1) == [200, 200, 404])
        #expect(heard.map(\.2) == [1, 2, 1])
    }

    @Test func asUserTravelsPerCallAndByDefault() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.developer
        let id = try someUserID(c, skip: [f.credentials.adminUserID, f.credentials.serviceAccountUserID])
        var me = BoxOperations.usersMe.request(query: [("fields", "id")])
        me.asUser = id
        #expect(try c.json(me)["id"]?.stringValue == id)
        let d = f.client(.accessToken(f.credentials.accessToken)) { $0.asUser = id }
        #expect(try d.me(fields: "id")["id"]?.stringValue == id)
        #expect(f.log(path: "/2.0/users/me").map(\.asUser) == [id, id])
    }
}

extension Result where Failure == BoxError {
    var failureCode: String {
        if case .failure(let e) = self { return e.code }
        return "ok"
    }

    var failureStatus: Int {
        if case .failure(let e) = self { return e.status }
        return -1
    }
}
