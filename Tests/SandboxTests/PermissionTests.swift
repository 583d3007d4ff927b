/// Who may do what: self-edits, co-admin limits, revoke and invite error paths.
import BoxSandbox
import Foundation
import JSON
import Testing

@Suite struct PermissionTests {
    @Test func usersMayEditThemselvesButNotTheirRoleOrOthers() throws {
        let f = try SandboxFixture()
        let users =
            try f.call("GET", "/2.0/users?limit=1000&fields=role,status,is_platform_access_only").json["entries"]?
            .arrayValue ?? []
        let plain = users.filter {
            $0["role"] == "user" && $0["status"] == "active" && $0["is_platform_access_only"] == false
        }
        let me = try #require(plain.first?["id"]?.stringValue), other = try #require(plain.last?["id"]?.stringValue)
        let token = try f.ccgToken(type: "user", id: me)
        #expect(try f.call("PUT", "/2.0/users/\(me)", json: ["phone": "555"], token: token).json["phone"] == "555")
        #expect(try f.call("PUT", "/2.0/users/\(me)", json: ["role": "coadmin"], token: token).status == 403)
        #expect(try f.call("PUT", "/2.0/users/\(other)", json: ["phone": "1"], token: token).status == 403)
        #expect(try f.call("DELETE", "/2.0/users/\(other)", token: token).status == 403)
        #expect(
            try f.call("POST", "/2.0/users", json: ["name": "X", "login": "x@northwind.example"], token: token).status
                == 403)
    }

    @Test func coadminsCannotMoveContentOfTheAdmin() throws {
        let f = try SandboxFixture()
        let coadmin = try f.firstUser { $0["role"] == "coadmin" && $0["status"] == "active" }
        let token = try f.ccgToken(type: "user", id: coadmin["id"]?.stringValue)
        let target = try f.firstUser { $0["role"] == "user" }
        let r = try f.call(
            "PUT", "/2.0/users/\(f.credentials.adminUserID)/folders/0", json: ["owned_by": ["id": target["id"] ?? nil]],
            token: token)
        #expect(r.status == 403 && r.json["message"] == "Cannot transfer files from/to higher privileged accounts")
        let owner = try f.firstUser { ($0["space_used"]?.intValue ?? 0) > 0 && $0["role"] == "user" }
        let ok = try f.call(
            "PUT", "/2.0/users/\(owner["id"]?.stringValue ?? "")/folders/0",
            json: ["owned_by": ["id": target["id"] ?? nil]], token: token)
        #expect(ok.status == 200)
    }

    @Test func revokeAndInviteErrorPaths() throws {
        let f = try SandboxFixture()
        let c = f.credentials
        #expect(
            try f.form("/oauth2/revoke", ["client_id": c.clientID, "client_secret": "bad", "token": "x"]).json["error"]
                == "invalid_client")
        #expect(
            try f.form("/oauth2/revoke", ["client_id": c.clientID, "client_secret": c.clientSecret]).json["error"]
                == "invalid_request")
        let wrongEnterprise = try f.call(
            "POST", "/2.0/invites",
            json: ["enterprise": ["id": "1"], "actionable_by": ["login": "wei.zhang@tailspin.example"]])
        #expect(wrongEnterprise.status == 404)
        let form = try f.call(
            "PUT", "/2.0/users/\(c.adminUserID)/folders/0",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], rawBody: Array("owned_by[id]=1".utf8))
        #expect(form.status == 400 && form.json["code"] == "bad_request")
    }
}
