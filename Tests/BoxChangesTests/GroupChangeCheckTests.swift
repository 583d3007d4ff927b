/// ChangeVerifier on group, membership and email alias changes: each not made before it is
/// sent and made after, through the real client against the demo sandbox.
import BoxClient
import BoxSandbox
import JSON
import Testing
import TestSupport
@testable import BoxChanges

@Suite struct GroupChangeChecks {
    let verifier = ChangeVerifierChecks()

    /// Checks `request` before and after sending it: ["not made", "made"].
    func beforeAndAfter(_ request: BoxRequest, _ c: BoxClient) throws -> [String] {
        let before = verifier.check(request, c).map(verifier.word)
        _ = try c.send(request)
        return before + verifier.check(request, c).map(verifier.word)
    }

    @Test func eachGroupChangeBeforeAndAfter() throws {
        let s = try DemoSandbox()
        let c = verifier.client(s)
        let create = BoxRequest("POST", "/2.0/groups", body: ["name": "Checked Group"])
        #expect(try beforeAndAfter(create, c) == ["not made", "made"])
        let found = verifier.check(BoxRequest("POST", "/2.0/groups", body: ["name": "checked group"]), c)
        guard case .made(let group?) = found.first, let gid = group["id"]?.stringValue else {
            Issue.record("the made check gives the group: \(found)"); return
        }
        #expect(
            try beforeAndAfter(BoxRequest("PUT", "/2.0/groups/\(gid)", body: ["description": "d"]), c) == [
                "not made", "made",
            ])

        let users = try c.json(BoxRequest("GET", "/2.0/users", query: [("fields", "id,role"), ("limit", "50")]))
        let uid = try #require(users["entries"]?.arrayValue?.first { $0["role"] == "user" }?["id"]?.stringValue)
        let add = BoxRequest(
            "POST", "/2.0/group_memberships", body: ["user": ["id": .string(uid)], "group": ["id": .string(gid)]])
        #expect(try beforeAndAfter(add, c) == ["not made", "made"])
        let members = try c.json(BoxRequest("GET", "/2.0/groups/\(gid)/memberships"))
        let mid = try #require(members["entries"]?[0]?["id"]?.stringValue)
        #expect(
            try beforeAndAfter(BoxRequest("PUT", "/2.0/group_memberships/\(mid)", body: ["role": "admin"]), c) == [
                "not made", "made",
            ])
        #expect(try beforeAndAfter(BoxRequest("DELETE", "/2.0/group_memberships/\(mid)"), c) == ["not made", "made"])

        let login = try #require(try c.json(BoxRequest("GET", "/2.0/users/\(uid)"))["login"]?.stringValue)
        let email = login.replacingOccurrences(of: "@northwind.example", with: "@nwtraders.example")
        let alias = BoxRequest("POST", "/2.0/users/\(uid)/email_aliases", body: ["email": .string(email)])
        #expect(try beforeAndAfter(alias, c) == ["not made", "made"])
        let aliases = try c.json(BoxRequest("GET", "/2.0/users/\(uid)/email_aliases"))
        let aid = try #require(aliases["entries"]?[0]?["id"]?.stringValue)
        #expect(
            try beforeAndAfter(BoxRequest("DELETE", "/2.0/users/\(uid)/email_aliases/\(aid)"), c) == [
                "not made", "made",
            ])

        #expect(try beforeAndAfter(BoxRequest("DELETE", "/2.0/groups/\(gid)"), c) == ["not made", "made"])
    }
}

extension JSON {
    fileprivate subscript(index: Int) -> JSON? {
        guard let a = arrayValue, a.indices.contains(index) else { return nil }
        return a[index]
    }
}
