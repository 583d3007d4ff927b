/// Changing users over HTTP: create, update, delete (content rule and force), transfer,
/// terminate sessions, invites, memberships, As-User, unknown routes and bad JSON.
import BoxSandbox
import Foundation
import JSON
import Testing

@Suite struct UserWriteTests {
    @Test func createReturns201AndDuplicatesAre409() throws {
        let f = try SandboxFixture()
        let r = try f.call(
            "POST", "/2.0/users?fields=name,login,role,status",
            json: ["name": "New Hire", "login": "new.hire@northwind.example", "role": "coadmin"])
        #expect(r.status == 201)
        #expect(r.json["role"] == "coadmin" && r.json["status"] == "active")
        let dup = try f.call("POST", "/2.0/users", json: ["name": "Again", "login": "NEW.HIRE@northwind.example"])
        #expect(dup.status == 409 && dup.json["code"] == "user_login_already_used")
        #expect(try f.call("POST", "/2.0/users", json: ["login": "x@northwind.example"]).status == 400)
        #expect(try f.call("POST", "/2.0/users", json: ["name": "No Login"]).status == 400)
        #expect(
            try f.call("POST", "/2.0/users", json: ["name": "Boss", "login": "b@northwind.example", "role": "admin"])
                .status == 400)
    }

    @Test func appUsersGetAGeneratedLogin() throws {
        let f = try SandboxFixture()
        let r = try f.call(
            "POST", "/2.0/users?fields=login,is_platform_access_only,external_app_user_id",
            json: ["name": "Portal", "is_platform_access_only": true, "external_app_user_id": "ext-9"])
        #expect(r.status == 201)
        #expect(r.json["login"]?.stringValue?.hasPrefix("AppUser_2871043_") == true)
        #expect(r.json["external_app_user_id"] == "ext-9")
    }

    @Test func malformedJSONIs400InBoxShape() throws {
        let f = try SandboxFixture()
        let r = try f.call("POST", "/2.0/users", rawBody: Array("{\"name\": ".utf8))
        #expect(r.status == 400)
        #expect(r.json["type"] == "error" && r.json["code"] == "bad_request")
        #expect(try f.call("PUT", "/2.0/users/\(f.credentials.adminUserID)", rawBody: Array("[1]".utf8)).status == 400)
    }

    @Test func updateChangesStatusAndInvalidatesTheCachedJSON() throws {
        let f = try SandboxFixture()
        let u = try f.firstUser { $0["status"] == "active" && $0["role"] == "user" }
        let id = try #require(u["id"]?.stringValue)
        #expect(try f.call("GET", "/2.0/users/\(id)").json["status"] == "active")
        let r = try f.call("PUT", "/2.0/users/\(id)", json: ["status": "inactive", "job_title": "Leaver"])
        #expect(r.status == 200 && r.json["status"] == "inactive" && r.json["job_title"] == "Leaver")
        #expect(try f.call("GET", "/2.0/users/\(id)").json["status"] == "inactive")
        #expect(try f.call("PUT", "/2.0/users/\(id)", json: ["status": "gone"]).status == 400)
        let bad = try f.call("PUT", "/2.0/users/\(id)", json: ["notification_email": ["email": "nope"]])
        #expect(bad.status == 400 && bad.json["code"] == "invalid_parameter")
        #expect(try f.call("PUT", "/2.0/users/999", json: ["name": "x"]).status == 404)
    }

    @Test func deleteRefusesAContentOwnerUnlessForced() throws {
        // No legal hold or retention policy: with one, Box refuses even the forced delete (ContentTests).
        let f = try SandboxFixture(seed: .demoWithoutPolicies())
        let owner = try f.firstUser { ($0["space_used"]?.intValue ?? 0) > 0 && $0["role"] == "user" }
        let id = try #require(owner["id"]?.stringValue)
        let body: JSON = ["force": true]  // Box reads force from the query only.
        let r = try f.call("DELETE", "/2.0/users/\(id)", json: body)
        #expect(r.status == 400)
        #expect(r.json["code"] == "bad_request" && r.json["message"] == "User has managed content")
        let ok = try f.call("DELETE", "/2.0/users/\(id)?force=TRUE&notify=False")
        #expect(ok.status == 204 && ok.body.isEmpty)
        #expect(try f.call("GET", "/2.0/users/\(id)").status == 404)
        #expect(try f.call("DELETE", "/2.0/users/\(id)").status == 404)
        #expect(try f.call("DELETE", "/2.0/users/\(f.credentials.adminUserID)").status == 403)
    }

    @Test func transferMovesContentSoTheSourceCanBeDeleted() throws {
        let f = try SandboxFixture()
        let owner = try f.firstUser { ($0["space_used"]?.intValue ?? 0) > 0 && $0["role"] == "user" }
        let id = try #require(owner["id"]?.stringValue)
        let admin = f.credentials.adminUserID
        let r = try f.call("PUT", "/2.0/users/\(id)/folders/0?notify=false", json: ["owned_by": ["id": .string(admin)]])
        #expect(r.status == 200)
        #expect(r.json["type"] == "folder" && r.json["owned_by"]?["id"] == .string(admin))
        #expect(r.json["name"] == .string("\(owner["name"]?.stringValue ?? "")'s Files and Folders"))
        #expect(try f.call("GET", "/2.0/users/\(id)?fields=space_used").json["space_used"] == 0)
        #expect(try f.call("DELETE", "/2.0/users/\(id)").status == 204)
        #expect(try f.call("PUT", "/2.0/users/\(admin)/folders/0", json: [:]).status == 400)
        #expect(try f.call("PUT", "/2.0/users/\(admin)/folders/0", json: ["owned_by": ["id": "1"]]).status == 404)
        #expect(try f.call("PUT", "/2.0/users/\(admin)/folders/1", json: [:]).status == 404)
    }

    @Test func terminateSessionsIs202AndEndsTheUsersTokens() throws {
        let f = try SandboxFixture()
        let u = try f.firstUser {
            $0["status"] == "active" && $0["role"] == "user" && $0["is_platform_access_only"] == false
        }
        let id = try #require(u["id"]?.stringValue)
        let token = try f.ccgToken(type: "user", id: id)
        #expect(try f.call("GET", "/2.0/users/me", token: token).status == 200)
        let r = try f.call(
            "POST", "/2.0/users/terminate_sessions", json: ["user_ids": [.string(id)], "user_logins": []])
        #expect(r.status == 202 && r.json["message"]?.stringValue?.contains("successful") == true)
        #expect(try f.call("GET", "/2.0/users/me", token: token).status == 401)
        #expect(
            try f.call("POST", "/2.0/users/terminate_sessions", json: ["user_ids": [], "user_logins": []]).json[
                "message"] == "Users can not be NULL or EMPTY")
        #expect(
            try f.call("POST", "/2.0/users/terminate_sessions", json: ["user_ids": [1]]).json["message"]
                == "User id format is string")
        #expect(try f.call("POST", "/2.0/users/terminate_sessions", json: ["user_ids": ["999"]]).status == 404)
    }

    @Test func invitesAre200AndNeedAnExistingFreeUser() throws {
        let f = try SandboxFixture()
        let ent = JSON.string(f.credentials.enterpriseID)
        let r = try f.call(
            "POST", "/2.0/invites",
            json: ["enterprise": ["id": ent], "actionable_by": ["login": "wei.zhang@tailspin.example"]])
        #expect(r.status == 200 && r.json["type"] == "invite" && r.json["status"] == "pending")
        #expect(r.json["invited_to"]?["id"] == ent)
        #expect(
            try f.call(
                "POST", "/2.0/invites",
                json: ["enterprise": ["id": ent], "actionable_by": ["login": "nobody@x.example"]]
            ).status == 404)
        #expect(try f.call("POST", "/2.0/invites", json: ["enterprise": ["id": ent]]).status == 400)
    }

    @Test func membershipsPageWithOffset() throws {
        let f = try SandboxFixture()
        let seed = f.sandbox.stateSnapshot()
        let member = try #require(seed["memberships"]?.arrayValue?.first?["user_id"]?.stringValue)
        let r = try f.call("GET", "/2.0/users/\(member)/memberships?limit=1").json
        #expect(r["limit"] == 1 && r["offset"] == 0 && (r["total_count"]?.intValue ?? 0) >= 1)
        let m = try #require(r["entries"]?.arrayValue?.first)
        #expect(
            m["type"] == "group_membership" && m["group"]?["type"] == "group" && m["user"]?["id"] == .string(member))
        #expect(try f.call("GET", "/2.0/users/\(member)/memberships?offset=10001").status == 400)
    }

    @Test func asUserActsAsTheTargetAndIsRefusedWhereBoxRefusesIt() throws {
        let f = try SandboxFixture()
        let u = try f.firstUser {
            $0["role"] == "user" && $0["status"] == "active" && $0["is_platform_access_only"] == false
        }
        let id = try #require(u["id"]?.stringValue)
        #expect(try f.call("GET", "/2.0/users/me", asUser: id).json["id"] == .string(id))
        #expect(f.sandbox.requestLog.last?.asUser == id)
        #expect(try f.call("GET", "/2.0/users/me", asUser: f.credentials.serviceAccountUserID).status == 403)
        #expect(try f.call("GET", "/2.0/users/me", asUser: "999").status == 404)
        let userToken = try f.ccgToken(type: "user", id: id)
        #expect(try f.call("GET", "/2.0/users/me", token: userToken, asUser: f.credentials.adminUserID).status == 403)
        #expect(try f.call("GET", "/2.0/users", asUser: id).status == 403)  // the target is not an admin
    }

    @Test func unknownRoutesAre404AndWrongMethods405InBoxShape() throws {
        let f = try SandboxFixture()
        let nf = try f.call("GET", "/2.0/files/0")
        #expect(nf.status == 404 && nf.json["type"] == "error" && nf.json["code"] == "not_found")
        let na = try f.call("PATCH", "/2.0/users/me")
        #expect(na.status == 405 && na.json["code"] == "method_not_allowed")
        #expect(na.json["request_id"]?.stringValue == na.headers["box-request-id"])
        let noAuth = try http("GET", f.port, "/2.0/users/me")
        #expect(noAuth.status == 401 && noAuth.json["code"] == "unauthorized")
        #expect(noAuth.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
    }
}
