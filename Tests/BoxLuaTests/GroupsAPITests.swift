/// box.groups.*, box.memberships.* and the email alias functions against the demo sandbox:
/// exact requests, Box's errors as error tables, dry-run lines, guards and argument errors.
import BoxChanges
import BoxLua
import BoxSandbox
import Foundation
import JSON
import LuaHost
import Testing

@Suite struct GroupsAPITests {
    /// The requests the sandbox saw for `path`, with their query.
    private func queries(_ h: BoxHarness, _ method: String, _ path: String) -> [[String: String]] {
        h.sandbox.requestLog.filter { $0.method == method && $0.path == path }.map(\.query)
    }

    @Test func groupsListByOffsetAndFindMatchesTheWholeNameIgnoringCase() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local names = {}
            for g in box.groups.list{fields = {'provenance'}} do names[#names + 1] = g.name .. '/' .. (g.provenance or '') end
            local sales = box.groups.find('SALES')
            return {names = names, sales = sales and sales.name, partial = box.groups.find('Sal') == nil,
                    none = box.groups.find('Nobody') == nil, sales_id = sales.id}
            """)
        #expect(r["names"]?.count == 9 && r["names"]?[1]?.string == "Sales/Active Directory")
        #expect(r["sales"]?.string == "Sales" && r["partial"] == .boolean(true) && r["none"] == .boolean(true))
        let lists = queries(h, "GET", "/2.0/groups")
        #expect(lists.first?["offset"] == "0" && lists.first?["limit"] == "1000", "\(lists)")
        #expect(lists.first?["fields"]?.contains("provenance") == true)
        #expect(lists.contains { $0["filter_term"] == "SALES" })
    }

    @Test func createGetUpdateAndDeleteAGroup() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local g = box.groups.create{name = 'Contractors', description = 'External staff'}
            local same = box.groups.get(g.id, {fields = {'description'}})
            local changed = box.groups.update(g, {name = 'Contract Staff'})
            local gone = box.groups.delete(g.id)
            local ok, e = pcall(box.groups.get, g.id)
            return {id = g.id, same = same.description, name = changed.name, gone = gone, ok = ok,
                    status = e.status, code = e.code, text = tostring(e)}
            """)
        let id = try #require(r["id"]?.string)
        #expect(Int64(id) != nil)
        #expect(r["same"]?.string == "External staff" && r["name"]?.string == "Contract Staff")
        #expect(r["gone"] == .boolean(true) && r["ok"] == .boolean(false))
        #expect(r["status"]?.int == 404 && r["code"]?.string == "not_found")
        #expect(r["text"]?.string?.contains("(GET /2.0/groups/\(id)") == true, "\(r["text"]?.string ?? "")")
        #expect(
            h.changesSent == ["POST /2.0/groups", "PUT /2.0/groups/\(id)", "DELETE /2.0/groups/\(id)"],
            "\(h.changesSent)")
    }

    @Test func boxsErrorsAreErrorTables() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local ok1, dup = pcall(box.groups.create, {name = 'sales'})
            local me = box.users.me()
            local u = box.users.find('maria.morgan@northwind.example')
            local ok2, alias = pcall(box.users.add_email_alias, u, 'maria@gmail.example')
            local g = box.groups.create{name = 'Pilot'}
            local m = box.groups.add_member(g, u)
            local ok3, again = pcall(box.groups.add_member, g.id, u)
            return {dup = {dup.status, dup.code}, alias = {alias.status, alias.code}, again = {again.status, again.code},
                    oks = {ok1, ok2, ok3}}
            """)
        #expect(r["dup"] == .array([.integer(409), .string("conflict")]))
        #expect(r["alias"] == .array([.integer(400), .string("bad_request")]))
        #expect(r["again"] == .array([.integer(409), .string("conflict")]))
        #expect(r["oks"] == .array([.boolean(false), .boolean(false), .boolean(false)]))
    }

    @Test func membersAreAddedChangedAndRemoved() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local g = box.groups.create{name = 'Pilot'}
            local u = box.users.find('maria.morgan@northwind.example')
            local m = box.groups.add_member(g, u, {role = 'admin'})
            local listed = {}
            for x in box.groups.members(g) do listed[#listed + 1] = x.user.login .. ':' .. x.role end
            local member = box.memberships.update(m, {role = 'member'})
            local removed = box.groups.remove_member(g, u)
            local again = box.groups.remove_member(g.id, u.id)
            local m2 = box.groups.add_member(g.id, u.id)
            local deleted = box.memberships.delete(m2.id)
            local after = 0
            for _ in box.groups.members(g) do after = after + 1 end
            return {role = m.role, listed = listed, member = member.role, removed = removed, again = again,
                    deleted = deleted, after = after, uid = u.id, gid = g.id, mid = m.id, m2 = m2.id}
            """)
        #expect(r["role"]?.string == "admin" && r["member"]?.string == "member")
        #expect(r["listed"] == .array([.string("maria.morgan@northwind.example:admin")]))
        #expect(r["removed"] == .boolean(true) && r["again"] == .boolean(false) && r["deleted"] == .boolean(true))
        #expect(r["after"]?.int == 0)
        let (uid, gid, mid, m2) = (
            r["uid"]?.string ?? "", r["gid"]?.string ?? "", r["mid"]?.string ?? "", r["m2"]?.string ?? ""
        )
        #expect(
            h.changesSent == [
                "POST /2.0/groups", "POST /2.0/group_memberships", "PUT /2.0/group_memberships/\(mid)",
                "DELETE /2.0/group_memberships/\(mid)", "POST /2.0/group_memberships",
                "DELETE /2.0/group_memberships/\(m2)",
            ], "\(h.changesSent)")
        // remove_member finds the membership among the user's groups.
        #expect(!queries(h, "GET", "/2.0/users/\(uid)/memberships").isEmpty)
        #expect(!gid.isEmpty)
    }

    @Test func emailAliasesAreListedAddedAndRemoved() throws {
        let h = try BoxHarness()
        let r = try h.run(
            """
            local u = box.users.find('maria.morgan@northwind.example')
            local before = #box.users.email_aliases(u)
            local a = box.users.add_email_alias(u, 'maria.morgan@nwtraders.example')
            local list = box.users.email_aliases(u.id)
            local removed = box.users.remove_email_alias(u, a.id)
            return {before = before, confirmed = a.is_confirmed, listed = list[#list].email, removed = removed,
                    after = #box.users.email_aliases(u), id = u.id, aid = a.id}
            """)
        #expect(r["confirmed"] == .boolean(true) && r["removed"] == .boolean(true))
        #expect(r["listed"]?.string == "maria.morgan@nwtraders.example")
        #expect(r["after"] == r["before"])
        let (id, aid) = (r["id"]?.string ?? "", r["aid"]?.string ?? "")
        #expect(
            h.changesSent == ["POST /2.0/users/\(id)/email_aliases", "DELETE /2.0/users/\(id)/email_aliases/\(aid)"])
    }

    @Test func aDryRunSendsNoneOfTheseChangesAndSaysEach() throws {
        let h = try BoxHarness(dryRun: true)
        let r = try h.run(
            """
            local u = box.users.find('maria.morgan@northwind.example')
            local g = box.groups.create{name = 'Pilot'}
            local sales = box.groups.find('Sales')
            local renamed = box.groups.update(sales, {description = 'Sellers'})
            local m = box.groups.add_member(sales, u, {role = 'admin'})
            local first
            for x in box.groups.members(sales) do first = x break end
            local up = box.memberships.update(first, {role = 'admin'})
            box.memberships.delete(first)
            local a = box.users.add_email_alias(u, 'maria.morgan@nwtraders.example')
            box.users.remove_email_alias(u, '9000000')
            box.groups.delete(sales)
            return {placeholder = g.dry_run, name = renamed.name, desc = renamed.description, role = up.role,
                    alias = a.email}
            """)
        #expect(r["placeholder"] == .boolean(true) && r["name"]?.string == "Sales" && r["desc"]?.string == "Sellers")
        #expect(r["role"]?.string == "admin" && r["alias"]?.string == "maria.morgan@nwtraders.example")
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
        let ops = h.said.filter { $0.hasPrefix("[dry-run] ") }.map { $0.split(separator: " ")[1] }
        #expect(
            ops == [
                "groups.create", "groups.update", "groups.add_member", "memberships.update", "memberships.delete",
                "users.add_email_alias", "users.remove_email_alias", "groups.delete",
            ], "\(h.said)")
    }

    @Test func theSignedInUsersAliasesAreGuardedLikeTheUser() throws {
        let h = try BoxHarness()
        let e = h.failure("box.users.add_email_alias(box.users.me(), 'alex@nwtraders.example')")
        #expect(e?.message.contains("it is the signed-in user") == true, "\(e?.message ?? "")")
        #expect(h.changesSent.isEmpty)
    }

    @Test(arguments: [
        ("box.groups.get('abc')", "bad argument #1 to 'get' (group id must be digits, got 'abc')"),
        ("box.groups.create{description = 'x'}", "bad argument #1 to 'create' ('name' must be a string)"),
        ("box.groups.add_member('1', '2', {rol = 'admin'})", "unknown option 'rol'"),
        ("box.groups.add_member('1', 'x')", "user id must be digits"),
        ("box.users.add_email_alias('1', 5)", "bad argument #2 to 'add_email_alias' (string expected, got number)"),
        ("box.memberships.update('1')", "bad argument #2 to 'update' (table expected, got no value)"),
        ("box.groups.find(7)", "bad argument #1 to 'find' (string expected, got number)"),
        ("box.groups.remove_member('1')", "bad argument #2 to 'remove_member'"),
    ])
    func argumentErrorsNameTheArgument(code: String, words: String) throws {
        let h = try BoxHarness()
        let e = h.failure(code)
        #expect(e?.message.contains(words) == true, "\(e?.message ?? "no error")")
        #expect(h.changesSent.isEmpty)
    }
}

@Suite struct DeprovisionGroupsAndDowngrade {
    /// A plain active user in at least two groups (the demo's department group and Box Champions).
    static let pick = """
        local pick
        for u in box.users.list{fields = {'role', 'status'}} do
          if u.role == 'user' and u.status == 'active' then
            local n = 0
            for _ in box.users.memberships(u) do n = n + 1 end
            if n >= 2 then pick = u break end
          end
        end
        """

    @Test func groupsRemoveTakesTheUserOutOfEveryGroupFirstAndListsThem() throws {
        let h = try BoxHarness()
        let r = try h.run(
            Self.pick + "\n" + """
                local names = {}
                for m in box.users.memberships(pick) do names[#names + 1] = m.group.name end
                local report = box.deprovision(pick, {groups = 'remove', transfer_to = box.users.me()})
                local steps = {}
                for _, s in ipairs(report.steps) do steps[#steps + 1] = s.step .. '=' .. tostring(s.ok) end
                return {ok = report.ok, groups = report.groups, names = names, steps = steps, id = pick.id}
                """)
        #expect(r["ok"] == .boolean(true))
        #expect(r["groups"] == r["names"] && (r["groups"]?.count ?? 0) >= 2)
        #expect(
            r["steps"]
                == .array([
                    .string("remove_from_groups=true"), .string("suspend=true"), .string("transfer_content=true"),
                    .string("delete=true"),
                ]))
        let id = r["id"]?.string ?? ""
        let changes = h.changesSent
        let removals = changes.prefix { $0.hasPrefix("DELETE /2.0/group_memberships/") }
        #expect(removals.count == r["groups"]?.count, "\(changes)")
        #expect(
            Array(changes.dropFirst(removals.count)) == [
                "PUT /2.0/users/\(id)", "PUT /2.0/users/\(id)/folders/0", "DELETE /2.0/users/\(id)",
            ])
    }

    @Test func downgradeRollsTheAccountOutInsteadOfDeletingIt() throws {
        let h = try BoxHarness()
        let r = try h.run(
            Self.pick + "\n" + """
                local report = box.deprovision(pick, {downgrade = true})
                local after = box.users.get(pick.id, {fields = {'enterprise', 'status'}})
                local n = 0
                for _ in box.users.memberships(pick) do n = n + 1 end
                return {ok = report.ok, last = report.steps[#report.steps].step, free = after.enterprise == nil,
                        status = after.status, groups = n, id = pick.id}
                """)
        #expect(r["ok"] == .boolean(true) && r["last"]?.string == "downgrade" && r["free"] == .boolean(true))
        #expect(r["status"]?.string == "inactive" && r["groups"]?.int == 0)
        let id = r["id"]?.string ?? ""
        #expect(h.changesSent == ["PUT /2.0/users/\(id)", "PUT /2.0/users/\(id)"])
        #expect(!h.changesSent.contains { $0.hasPrefix("DELETE") })
    }

    @Test func aDryRunSaysEachStepAndSendsNothing() throws {
        let h = try BoxHarness(dryRun: true)
        let r = try h.run(
            Self.pick + "\n" + """
                local report = box.deprovision(pick, {groups = 'remove', downgrade = true})
                return {ok = report.ok, groups = #report.groups}
                """)
        #expect(r["ok"] == .boolean(true))
        #expect(h.changesSent.isEmpty)
        let lines = h.said.filter { $0.hasPrefix("[dry-run] ") }
        let groups = Int(r["groups"]?.int ?? 0)
        #expect(lines.count == groups + 2, "\(lines)")
        #expect(
            lines.prefix(groups).allSatisfy {
                $0.contains("memberships.delete membership ") && $0.contains(" in group ")
            })
        #expect(lines.suffix(2).allSatisfy { $0.contains("users.update ") })
    }

    @Test(arguments: [
        ("box.deprovision('42', {delete = true, downgrade = true})", "give delete=true or downgrade=true, not both"),
        ("box.deprovision('42', {downgrade = 'yes'})", "'downgrade' must be a boolean, got string"),
        ("box.deprovision('42', {groups = 'drop'})", "'groups' must be \"keep\" or \"remove\", got drop"),
    ])
    func badOptionsAreArgumentErrors(code: String, words: String) throws {
        let h = try BoxHarness()
        let e = h.failure(code)
        #expect(e?.message.contains("bad argument #2 to 'deprovision' (\(words))") == true, "\(e?.message ?? "")")
        #expect(h.changesSent.isEmpty)
    }

    @Test func maxDeletesCountsUsersNotGroupsOrMemberships() throws {
        let h = try BoxHarness(maxDeletes: 1)
        let r = try h.run(
            """
            local a = box.groups.create{name = 'Temp A'}
            local b = box.groups.create{name = 'Temp B'}
            box.groups.delete(a)
            box.groups.delete(b)
            local first
            for m in box.groups.members('7100000') do first = m break end
            box.memberships.delete(first)
            return true
            """)
        #expect(r == .boolean(true))
        #expect(h.changesSent.filter { $0.hasPrefix("DELETE") }.count == 3)
    }
}
