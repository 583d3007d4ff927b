/// Groups and group memberships over HTTP: listing with offset paging and filter_term, create,
/// change, delete, members, memberships and Box's errors for each.
@testable import BoxSandbox
import Foundation
import JSON
import Testing

@Suite struct GroupRoutesTests {
    @Test func groupsListByOffsetAndNamePrefix() throws {
        let f = try SandboxFixture()
        let all = try f.call("GET", "/2.0/groups?limit=1000").json
        let total = try #require(all["total_count"]?.intValue)
        #expect(total == 9 && all["entries"]?.arrayValue?.count == 9)
        #expect(all["entries"]?[0]?["type"] == "group" && all["entries"]?[0]?["group_type"] == "managed_group")
        let page = try f.call("GET", "/2.0/groups?limit=2&offset=8").json
        #expect(page["offset"] == 8 && page["limit"] == 2 && page["entries"]?.arrayValue?.count == 1)
        #expect(page["entries"]?[0]?["id"] == all["entries"]?[8]?["id"])
        let sales = try f.call("GET", "/2.0/groups?filter_term=sAL&fields=name,provenance").json
        #expect(sales["total_count"] == 1 && sales["entries"]?[0]?["name"] == "Sales")
        #expect(sales["entries"]?[0]?["provenance"] == "Active Directory")
        #expect(sales["entries"]?[0]?["created_at"] == nil)
        #expect(try f.call("GET", "/2.0/groups?offset=10001").status == 400)
    }

    @Test func createChangeAndDeleteAGroup() throws {
        let f = try SandboxFixture()
        let made = try f.call(
            "POST", "/2.0/groups",
            json: ["name": "Contractors", "description": "External staff", "invitability_level": "admins_and_members"])
        #expect(made.status == 201 && made.json["name"] == "Contractors")
        #expect(made.json["invitability_level"] == "admins_and_members" && made.json["description"] == "External staff")
        let id = try #require(made.json["id"]?.stringValue)
        #expect(try f.call("GET", "/2.0/groups/\(id)").json["member_viewability_level"] == "admins_only")
        let renamed = try f.call("PUT", "/2.0/groups/\(id)", json: ["name": "Contract Staff"])
        #expect(renamed.status == 200 && renamed.json["name"] == "Contract Staff")
        #expect(try f.call("GET", "/2.0/groups?filter_term=contract").json["total_count"] == 1)
        #expect(try f.call("DELETE", "/2.0/groups/\(id)").status == 204)
        #expect(try f.call("GET", "/2.0/groups/\(id)").status == 404)
        #expect(try f.call("DELETE", "/2.0/groups/\(id)").status == 404)
        #expect(try f.call("PUT", "/2.0/groups/\(id)", json: ["name": "x"]).json["code"] == "not_found")
    }

    @Test func aDuplicateNameIs409ConflictIgnoringCase() throws {
        let f = try SandboxFixture()
        let dup = try f.call("POST", "/2.0/groups", json: ["name": "SALES"])
        #expect(dup.status == 409 && dup.json["code"] == "conflict")
        #expect(dup.json["context_info"]?["errors"]?[0]?["name"] == "group_tag_name")
        let other = try #require(try f.call("POST", "/2.0/groups", json: ["name": "Temp"]).json["id"]?.stringValue)
        #expect(try f.call("PUT", "/2.0/groups/\(other)", json: ["name": "finance"]).status == 409)
        #expect(try f.call("PUT", "/2.0/groups/\(other)", json: ["name": "TEMP"]).status == 200)
    }

    @Test func badGroupBodiesAre400() throws {
        let f = try SandboxFixture()
        let missing = try f.call("POST", "/2.0/groups", json: ["description": "no name"])
        #expect(missing.status == 400 && missing.json["context_info"]?["errors"]?[0]?["reason"] == "missing_parameter")
        #expect(try f.call("POST", "/2.0/groups", json: ["name": ""]).status == 400)
        #expect(try f.call("POST", "/2.0/groups", json: ["name": "X", "invitability_level": "everyone"]).status == 400)
        #expect(try f.call("POST", "/2.0/groups", json: ["name": 7]).status == 400)
    }

    @Test func onlyAdminsListAndCreateGroups() throws {
        let f = try SandboxFixture()
        let plain = try f.firstUser { $0["role"] == "user" && $0["status"] == "active" }
        let id = try #require(plain["id"]?.stringValue)
        #expect(try f.call("GET", "/2.0/groups", asUser: id).status == 403)
        #expect(try f.call("POST", "/2.0/groups", json: ["name": "Mine"], asUser: id).status == 403)
    }

    @Test func membersAndMembershipsLifeCycle() throws {
        let f = try SandboxFixture()
        let group = try #require(
            try f.call("POST", "/2.0/groups", json: ["name": "Pilot"]).json["id"]?.stringValue)
        let user = try f.firstUser { $0["role"] == "user" && $0["status"] == "active" }
        let uid = try #require(user["id"]?.stringValue)
        let add = try f.call(
            "POST", "/2.0/group_memberships", json: ["user": ["id": .string(uid)], "group": ["id": .string(group)]])
        #expect(add.status == 201 && add.json["role"] == "member" && add.json["type"] == "group_membership")
        #expect(add.json["user"]?["login"] == user["login"] && add.json["group"]?["name"] == "Pilot")
        let mid = try #require(add.json["id"]?.stringValue)
        let again = try f.call(
            "POST", "/2.0/group_memberships", json: ["user": ["id": .string(uid)], "group": ["id": .string(group)]])
        #expect(again.status == 409 && again.json["code"] == "conflict")
        let members = try f.call("GET", "/2.0/groups/\(group)/memberships").json
        #expect(members["total_count"] == 1 && members["entries"]?[0]?["id"] == .string(mid))
        let promoted = try f.call("PUT", "/2.0/group_memberships/\(mid)", json: ["role": "admin"])
        #expect(promoted.status == 200 && promoted.json["role"] == "admin")
        #expect(try f.call("GET", "/2.0/group_memberships/\(mid)").json["role"] == "admin")
        let mine = try f.call("GET", "/2.0/users/\(uid)/memberships").json["entries"]?.arrayValue ?? []
        #expect(mine.contains { $0["id"] == .string(mid) && $0["group"]?["name"] == "Pilot" })
        #expect(try f.call("DELETE", "/2.0/group_memberships/\(mid)").status == 204)
        #expect(try f.call("GET", "/2.0/group_memberships/\(mid)").status == 404)
        #expect(try f.call("GET", "/2.0/groups/\(group)/memberships").json["total_count"] == 0)
    }

    @Test func badMembershipRequestsGetBoxsErrors() throws {
        let f = try SandboxFixture()
        let user = try #require(try f.firstUser { $0["role"] == "user" }["id"]?.stringValue)
        let body = { (u: String, g: String, role: String) -> JSON in
            ["user": ["id": .string(u)], "group": ["id": .string(g)], "role": .string(role)]
        }
        #expect(try f.call("POST", "/2.0/group_memberships", json: body("999", "7100000", "member")).status == 404)
        #expect(try f.call("POST", "/2.0/group_memberships", json: body(user, "999", "member")).status == 404)
        #expect(try f.call("POST", "/2.0/group_memberships", json: ["group": ["id": "7100000"]]).status == 400)
        #expect(try f.call("POST", "/2.0/group_memberships", json: body(user, "7100000", "owner")).status == 400)
        #expect(try f.call("PUT", "/2.0/group_memberships/8200000", json: ["role": "boss"]).status == 400)
        #expect(try f.call("DELETE", "/2.0/group_memberships/123").json["code"] == "not_found")
        #expect(try f.call("GET", "/2.0/groups/999/memberships").status == 404)
    }

    @Test func aGroupAdminManagesItsMembersButNotOthers() throws {
        let f = try SandboxFixture()
        let seed = f.sandbox.stateSnapshot()
        let memberships = seed["memberships"]?.arrayValue ?? []
        let plainUsers = Set(
            (seed["users"]?.arrayValue ?? []).filter { $0["role"] == "user" }.compactMap { $0["id"]?.stringValue })
        let admin = try #require(
            memberships.first { $0["role"] == "admin" && plainUsers.contains($0["user_id"]?.stringValue ?? "") })
        let adminUser = try #require(admin["user_id"]?.stringValue)
        let sameGroup = try #require(
            memberships.first { $0["group_id"] == admin["group_id"] && $0["role"] == "member" }?["id"]?.stringValue)
        let otherGroup = try #require(
            memberships.first { other in
                other["group_id"] != admin["group_id"]
                    && !memberships.contains { m in
                        m["user_id"] == admin["user_id"] && m["group_id"] == other["group_id"]
                    }
            }?["id"]?.stringValue)
        let asAdmin = try f.call("GET", "/2.0/group_memberships/\(sameGroup)", asUser: adminUser)
        #expect(asAdmin.status == 200)
        #expect(try f.call("GET", "/2.0/group_memberships/\(otherGroup)", asUser: adminUser).status == 403)
    }

    @Test func deletingAGroupOrAUserEndsTheirMemberships() throws {
        let f = try SandboxFixture()
        let sales = "7100000"
        let members = try f.call("GET", "/2.0/groups/\(sales)/memberships?limit=1000").json["entries"]?.arrayValue ?? []
        let state = f.sandbox.stateSnapshot()
        // Plain users who own nothing: a forced delete of an owner is refused while the demo's holds exist.
        let owners = Set((state["folders"]?.arrayValue ?? []).compactMap { $0["owned_by"]?["id"]?.stringValue })
        let plainUsers = Set(
            (state["users"]?.arrayValue ?? []).filter {
                $0["role"] == "user" && ($0["owned_items"]?.intValue ?? 0) == 0
            }
            .compactMap { $0["id"]?.stringValue }
        ).subtracting(owners)
        let leaving = try #require(members.first { plainUsers.contains($0["user"]?["id"]?.stringValue ?? "") })
        let uid = try #require(leaving["user"]?["id"]?.stringValue)
        #expect(try f.call("DELETE", "/2.0/users/\(uid)?force=true").status == 204)
        let after = try f.call("GET", "/2.0/groups/\(sales)/memberships?limit=1000").json
        #expect(after["total_count"]?.intValue == Int64(members.count - 1))
        #expect(try f.call("DELETE", "/2.0/groups/\(sales)").status == 204)
        let left = f.sandbox.stateSnapshot()["memberships"]?.arrayValue ?? []
        #expect(!left.contains { $0["group_id"] == .string(sales) })
    }
}

extension JSON {
    /// The array element at `index`, nil when out of range or not an array (test reading only).
    subscript(index: Int) -> JSON? {
        guard let a = arrayValue, a.indices.contains(index) else { return nil }
        return a[index]
    }
}
