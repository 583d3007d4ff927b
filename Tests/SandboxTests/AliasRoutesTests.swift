/// Email aliases, login changes to an alias, rolling a user out of the enterprise, and the
/// seed's groups, memberships, aliases and verified domains.
@testable import BoxSandbox
import Foundation
import JSON
import TestSupport
import Testing

@Suite struct AliasRoutesTests {
    /// A plain active managed user without aliases, and their login's local part.
    private func plainUser(_ f: SandboxFixture) throws -> (id: String, local: String) {
        let aliased = Set(
            (f.sandbox.stateSnapshot()["email_aliases"]?.arrayValue ?? []).compactMap { $0["user_id"]?.stringValue })
        let u = try f.firstUser {
            $0["role"] == "user" && $0["status"] == "active" && $0["is_platform_access_only"] == false
                && !aliased.contains($0["id"]?.stringValue ?? "")
        }
        let login = try #require(u["login"]?.stringValue)
        return (try #require(u["id"]?.stringValue), String(login.split(separator: "@")[0]))
    }

    @Test func addListAndRemoveAnAlias() throws {
        let f = try SandboxFixture()
        let (id, local) = try plainUser(f)
        #expect(try f.call("GET", "/2.0/users/\(id)/email_aliases").json == ["total_count": 0, "entries": []])
        let added = try f.call(
            "POST", "/2.0/users/\(id)/email_aliases", json: ["email": .string("\(local)@nwtraders.example")])
        #expect(added.status == 201 && added.json["type"] == "email_alias" && added.json["is_confirmed"] == true)
        let aliasID = try #require(added.json["id"]?.stringValue)
        let list = try f.call("GET", "/2.0/users/\(id)/email_aliases").json
        #expect(list["total_count"] == 1 && list["entries"]?[0]?["email"] == .string("\(local)@nwtraders.example"))
        #expect(try f.call("DELETE", "/2.0/users/\(id)/email_aliases/\(aliasID)").status == 204)
        #expect(try f.call("DELETE", "/2.0/users/\(id)/email_aliases/\(aliasID)").json["code"] == "not_found")
        #expect(try f.call("GET", "/2.0/users/999/email_aliases").status == 404)
    }

    @Test func anAliasMustBeInAVerifiedDomainAndUnused() throws {
        let f = try SandboxFixture()
        let (id, local) = try plainUser(f)
        for email in ["\(local)@gmail.example", "\(local)@sub.northwind.example", "not-an-email"] {
            let r = try f.call("POST", "/2.0/users/\(id)/email_aliases", json: ["email": .string(email)])
            #expect(r.status == 400 && r.json["context_info"]?["errors"]?[0]?["name"] == "email", "\(email)")
        }
        let login = try #require(try f.call("GET", "/2.0/users/\(f.credentials.adminUserID)").json["login"])
        let taken = try f.call("POST", "/2.0/users/\(id)/email_aliases", json: ["email": login])
        #expect(taken.status == 409 && taken.json["code"] == "conflict")
        let someonesAlias = try #require(f.sandbox.stateSnapshot()["email_aliases"]?[0]?["email"])
        #expect(try f.call("POST", "/2.0/users/\(id)/email_aliases", json: ["email": someonesAlias]).status == 409)
        let missing = try f.call("POST", "/2.0/users/\(id)/email_aliases", json: [:])
        #expect(missing.status == 400 && missing.json["context_info"]?["errors"]?[0]?["reason"] == "missing_parameter")
    }

    @Test func anotherUsersAliasIsNotFoundAndUsersManageOnlyTheirOwn() throws {
        let f = try SandboxFixture()
        let (id, local) = try plainUser(f)
        let other = try #require(f.sandbox.stateSnapshot()["email_aliases"]?[0])
        let otherID = try #require(other["id"]?.stringValue)
        #expect(try f.call("DELETE", "/2.0/users/\(id)/email_aliases/\(otherID)").status == 404)
        let own = try f.call(
            "POST", "/2.0/users/\(id)/email_aliases", json: ["email": .string("\(local)@nwtraders.example")], asUser: id
        )
        #expect(own.status == 201 && own.json["is_confirmed"] == false)
        let owner = try #require(other["user_id"]?.stringValue)
        #expect(try f.call("GET", "/2.0/users/\(owner)/email_aliases", asUser: id).status == 403)
    }

    @Test func aLoginChangesOnlyToAConfirmedAliasAndTheOldLoginStays() throws {
        let f = try SandboxFixture()
        let aliases = f.sandbox.stateSnapshot()["email_aliases"]?.arrayValue ?? []
        let pending = try #require(aliases.first { $0["is_confirmed"] == false })
        let pendingUser = try #require(pending["user_id"]?.stringValue)
        let r = try f.call("PUT", "/2.0/users/\(pendingUser)", json: ["login": pending["email"] ?? .null])
        #expect(r.status == 400 && r.json["context_info"]?["errors"]?[0]?["name"] == "login")
        let (id, local) = try plainUser(f)
        let nowhere = try f.call("PUT", "/2.0/users/\(id)", json: ["login": .string("\(local).new@northwind.example")])
        #expect(nowhere.status == 400)
        let old = try #require(try f.call("GET", "/2.0/users/\(id)").json["login"])
        let alias = "\(local)@nwtraders.example"
        #expect(try f.call("POST", "/2.0/users/\(id)/email_aliases", json: ["email": .string(alias)]).status == 201)
        let changed = try f.call("PUT", "/2.0/users/\(id)", json: ["login": .string(alias)])
        #expect(changed.status == 200 && changed.json["login"] == .string(alias))
        let now = try f.call("GET", "/2.0/users/\(id)/email_aliases").json["entries"]?.arrayValue ?? []
        #expect(now.map { $0["email"] } == [old] && now.first?["is_confirmed"] == true)
    }

    @Test func rollingOutMakesAFreeAccountOutsideEveryGroup() throws {
        let f = try SandboxFixture()
        let memberships = f.sandbox.stateSnapshot()["memberships"]?.arrayValue ?? []
        let member = try #require(
            memberships.first { m in
                m["role"] == "member"
                    && (try? f.call("GET", "/2.0/users/\(m["user_id"]?.stringValue ?? "")?fields=role").json["role"])
                        == "user"
            })
        let id = try #require(member["user_id"]?.stringValue)
        let r = try f.call("PUT", "/2.0/users/\(id)?fields=enterprise,role,login", json: ["enterprise": .null])
        #expect(r.status == 200 && r.json["enterprise"] == .null && r.json["role"] == "user")
        #expect(try f.call("GET", "/2.0/users/\(id)/memberships").json["total_count"] == 0)
        let login = try #require(r.json["login"]?.stringValue)
        let prefix = String(login.prefix(5))
        let listed = try f.call("GET", "/2.0/users?filter_term=\(prefix)&limit=1000").json["entries"]?.arrayValue ?? []
        #expect(!listed.contains { $0["id"] == .string(id) })
        #expect(try f.call("GET", "/2.0/users?filter_term=\(login)").json["entries"]?[0]?["id"] == .string(id))
        #expect(
            try f.call("PUT", "/2.0/users/\(f.credentials.adminUserID)", json: ["enterprise": .null]).status == 403)
    }

    @Test func deletingAUserDropsTheirAliases() throws {
        let f = try SandboxFixture()
        let state = f.sandbox.stateSnapshot()
        let aliases = state["email_aliases"]?.arrayValue ?? []
        // A user who owns nothing: a forced delete of an owner is refused while the demo's holds exist.
        let owners = Set((state["folders"]?.arrayValue ?? []).compactMap { $0["owned_by"]?["id"]?.stringValue })
        let ownsNothing = Set(
            (state["users"]?.arrayValue ?? []).filter { ($0["owned_items"]?.intValue ?? 0) == 0 }.compactMap {
                $0["id"]?.stringValue
            }
        ).subtracting(owners)
        let owner = try #require(
            aliases.lazy.compactMap { $0["user_id"]?.stringValue }.first { ownsNothing.contains($0) })
        #expect(try f.call("DELETE", "/2.0/users/\(owner)?force=true").status == 204)
        let left = f.sandbox.stateSnapshot()["email_aliases"]?.arrayValue ?? []
        #expect(!left.contains { $0["user_id"] == .string(owner) } && !left.isEmpty)
    }

    @Test func demoHasGroupAdminsLeaversInGroupsAndAliasesBothWays() throws {
        let seed = SandboxSeed.demo()
        let leavers = Set(DemoEnterprise.leaverLogins)
        let leaverIDs = Set(seed.users.filter { leavers.contains($0.login) }.map(\.id))
        #expect(seed.memberships.contains { $0.role == "admin" })
        #expect(seed.memberships.filter { leaverIDs.contains($0.userID) }.count >= 5)
        #expect(seed.emailAliases.contains { $0.isConfirmed } && seed.emailAliases.contains { !$0.isConfirmed })
        #expect(seed.emailAliases.contains { leaverIDs.contains($0.userID) })
        #expect(seed.verifiedDomains == ["northwind.example", "nwtraders.example"])
        #expect(seed.groups.contains { $0.provenance == "Active Directory" })
    }

    @Test func saveKeepsGroupsMembershipsAliasesAndDomains() throws {
        let f = try SandboxFixture()
        let g = try f.call("POST", "/2.0/groups", json: ["name": "Saved Group", "provenance": "Okta"]).json
        let (id, local) = try plainUser(f)
        _ = try f.call("POST", "/2.0/users/\(id)/email_aliases", json: ["email": .string("\(local)@nwtraders.example")])
        _ = try f.call(
            "POST", "/2.0/group_memberships",
            json: ["user": ["id": .string(id)], "group": ["id": g["id"] ?? .null], "role": "admin"])
        let file = temporaryDirectoryURL().appendingPathComponent("state.json")
        try f.sandbox.save(to: file)
        let loaded = try SandboxSeed.load(from: file)
        #expect(loaded.groups.contains { $0.name == "Saved Group" && $0.provenance == "Okta" })
        #expect(loaded.memberships.contains { $0.userID == id && $0.role == "admin" })
        #expect(loaded.emailAliases.contains { $0.email == "\(local)@nwtraders.example" })
        let again = try SandboxFixture(seed: loaded)
        #expect(again.sandbox.stateSnapshot() == f.sandbox.stateSnapshot())
        let next = try again.call("POST", "/2.0/groups", json: ["name": "After Load"]).json["id"]?.stringValue
        #expect(!loaded.groups.contains { $0.id == next } && next != nil)
    }

    @Test func anOldSeedWithoutThemLoadsAndVerifiesItsUsersDomains() throws {
        let file = temporaryDirectoryURL().appendingPathComponent("old.json")
        try """
        {"admin_user_id": "11", "service_account_user_id": "12",
         "users": [{"id": "11", "name": "Ann", "login": "ann@tiny.example", "role": "admin"},
                   {"id": "12", "name": "Svc", "login": "AutomationUser_1_abc@boxdevedition.com"},
                   {"id": "13", "name": "Bo", "login": "bo@tiny.example"}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let f = try SandboxFixture(seed: try SandboxSeed.load(from: file))
        #expect(try f.call("GET", "/2.0/groups").json["total_count"] == 0)
        #expect(
            try f.call("POST", "/2.0/users/13/email_aliases", json: ["email": .string("b@tiny.example")]).status == 201)
        #expect(
            try f.call("POST", "/2.0/users/13/email_aliases", json: ["email": .string("b@boxdevedition.com")]).status
                == 400)
    }

    @Test(arguments: [
        ("\"memberships\": [{\"id\": \"1\", \"user_id\": \"11\", \"group_id\": \"9\"}]", "memberships[0]: no user"),
        ("\"groups\": [{\"id\": \"9\"}]", "groups[0]: 'name'"),
        ("\"groups\": [{\"id\": \"9\", \"name\": \"G\", \"invitability_level\": \"all\"}]", "invitability_level"),
        ("\"email_aliases\": [{\"id\": \"1\", \"user_id\": \"99\", \"email\": \"a@b.c\"}]", "email_aliases[0]"),
    ])
    func badGroupPartsOfASeedAreNamed(part: String, words: String) throws {
        let file = temporaryDirectoryURL().appendingPathComponent("bad.json")
        try """
        {"admin_user_id": "11", "service_account_user_id": "11",
         "users": [{"id": "11", "name": "Ann", "login": "ann@tiny.example", "role": "admin"}], \(part)}
        """.write(to: file, atomically: true, encoding: .utf8)
        #expect { try SandboxSeed.load(from: file) } throws: { "\($0)".contains(words) }
    }
}
