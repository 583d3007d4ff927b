/// Issue 12, items 9-11: the guards hold whatever spelling a path takes, fail closed when the
/// signed-in user is unknown, protect that user from every change, and As-User reaches the
/// coroutines box.parallel starts.
import BoxSandbox
import Foundation
import LuaHost
import Testing

/// A user of the demo enterprise who can be deleted: active, role user, owns nothing.
let pickDeletable = """
    local victim
    for u in box.users.list{fields = {'space_used', 'role', 'status'}} do
      if u.role == 'user' and u.status == 'active' and u.space_used == 0 then victim = u break end
    end

    """

@Suite struct PathFormsAndTheDeleteGuard {
    @Test(arguments: ["./%@", "%@/.", "x/../%@", "0%@x"])
    func userFunctionsTakeDigitIDsOnly(_ form: String) throws {
        let h = try BoxHarness(maxDeletes: 0)
        let id = try h.run(pickDeletable + "return victim.id").string!
        let bad = form.replacingOccurrences(of: "%@", with: id)
        for (code, fname) in [
            ("box.users.delete('\(bad)', {force = true})", "delete"), ("box.users.suspend('\(bad)')", "suspend"),
            ("box.users.update('\(bad)', {role = 'coadmin'})", "update"), ("box.users.get('\(bad)')", "get"),
            ("box.users.transfer_content('\(bad)', '1')", "transfer_content"),
            ("box.users.memberships('\(bad)')", "memberships"), ("box.as_user('\(bad)', function() end)", "as_user"),
            ("box.users.delete({id = '\(bad)'})", "delete"), ("box.deprovision('\(bad)')", "deprovision"),
        ] {
            let e = h.failure(code)
            #expect(
                e?.message == "test:1: bad argument #1 to '\(fname)' (user id must be digits, got '\(bad)')",
                "\(code): \(e?.message ?? "no error")")
        }
        let invite = h.failure("box.invites.get('\(bad)')")
        #expect(
            invite?.message == "test:1: bad argument #1 to 'get' (invite id must be digits, got '\(bad)')",
            "\(invite?.message ?? "no error")")
        let second = h.failure("box.users.transfer_content('\(id)', '\(bad)')")
        #expect(
            second?.message == "test:1: bad argument #2 to 'transfer_content' (user id must be digits, got '\(bad)')")
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
    }

    @Test(arguments: ["/2.0/users/./%@", "/2.0/users/x/../%@", "/2.0//users/%@", "/2.0/users/%@/", "/2.0/./users/%@"])
    func rawRequestsAreNormalisedBeforeTheGuardSeesThem(_ form: String) throws {
        let h = try BoxHarness(maxDeletes: 0)
        let id = try h.run(pickDeletable + "return victim.id").string!
        let path = form.replacingOccurrences(of: "%@", with: id)
        let e = h.failure("box.request('DELETE', '\(path)', {query = {force = true}})")
        #expect(e?.message.contains("--max-deletes 0 reached") == true, "\(path): \(e?.message ?? "no error")")
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
    }

    @Test func percentEncodedIDsAreDecodedBeforeTheGuardAndSentDecoded() throws {
        let h = try BoxHarness()
        let me = try h.run("return box.users.me().id").string!
        let encoded = me.utf8.map { String(format: "%%%02X", $0) }.joined()
        let e = h.failure("box.request('DELETE', '/2.0/users/\(encoded)', {query = {force = true}})")
        #expect(e?.message.contains("it is the signed-in user") == true, "\(e?.message ?? "no error")")
        // What is classified is what is sent: the error names the clean path.
        #expect(e?.message.hasSuffix("(DELETE /2.0/users/\(me))") == true, "\(e?.message ?? "no error")")
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
    }

    @Test func aTransferDestinationSpelledAnotherWayIsStillRefused() throws {
        let h = try BoxHarness()
        let e = h.failure(
            """
            local a, b
            for u in box.users.list{fields = {'space_used', 'role'}} do
              if u.role == 'user' and u.space_used > 0 then if not a then a = u elseif not b then b = u break end end
            end
            box.users.transfer_content(a.id, b.id)
            box.request('DELETE', '/2.0/users/x/../' .. b.id, {query = {force = true}})
            """)
        #expect(e?.message.contains("destination of a content transfer") == true, "\(e?.message ?? "no error")")
        #expect(h.changesSent.filter { $0.hasPrefix("DELETE") }.isEmpty, "\(h.changesSent)")
    }

    @Test(arguments: [
        ("/2.0/../users/1", "path goes above /2.0 with '..'"), ("/../2.0/users/1", "path goes above / with '..'"),
        ("/2.0/users/1%2F..%2F2", "path has an encoded '/', '\\' or control character in '1%2F..%2F2'"),
        ("/2.0/users/%3", "path has a malformed percent-escape in '%3'"),
        ("/2.0/users/1;x", "path has a character no Box path holds in '1;x'"),
    ])
    func pathsWithNoCleanFormAreArgumentErrors(_ path: String, _ detail: String) throws {
        let h = try BoxHarness()
        let e = h.failure("box.request('DELETE', '\(path)')")
        #expect(e?.message == "test:1: bad argument #2 to 'request' (\(detail))", "\(e?.message ?? "no error")")
        #expect(h.changesSent.isEmpty)
    }
}

@Suite struct SignedInUserGuard {
    /// The harness with one try per call, so a sandbox fault reaches the guard's look-up as is.
    func harness() throws -> BoxHarness {
        try BoxHarness { $0.environment["BOXLUA_MAX_ATTEMPTS"] = "1" }
    }

    @Test func aFailedLookUpRefusesChangesToUsersUntilItSucceeds() throws {
        let h = try harness()
        let me = try h.run("return box.users.me().id").string!
        h.sandbox.faults = try Faults(spec: "server_error_every=1")
        let e = h.failure("box.users.delete('\(me)', {force = true})")
        #expect(e?.message.contains("box: 0 refused: refusing to delete \(me)") == true, "\(e?.message ?? "no error")")
        #expect(
            e?.message.contains(
                "the signed-in user could not be looked up (GET /2.0/users/me: 500 internal_server_error), so it cannot be protected"
            ) == true, "\(e?.message ?? "no error")")
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
        // The look-up is tried again at the next change; once it works, the user is protected.
        h.sandbox.faults = Faults()
        let again = h.failure("box.users.delete('\(me)', {force = true})")
        #expect(again?.message.contains("it is the signed-in user") == true, "\(again?.message ?? "no error")")
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
        // Other users can be changed now.
        _ = try h.run(pickDeletable + "box.users.suspend(victim)")
        #expect(h.changesSent.count == 1, "\(h.changesSent)")
    }

    @Test func theSignedInUserIsProtectedFromEveryChange() throws {
        let h = try harness()
        for code in [
            "box.users.suspend(box.users.me())", "box.users.update(box.users.me().id, {role = 'user'})",
            "box.request('PUT', '/2.0/users/me/../' .. box.users.me().id, {body = {status = 'inactive'}})",
            "local me = box.users.me() " + pickDeletable + " box.users.transfer_content(me.id, victim.id)",
        ] {
            let e = h.failure(code)
            #expect(e?.message.contains("it is the signed-in user") == true, "\(code): \(e?.message ?? "no error")")
        }
        #expect(h.changesSent.isEmpty, "\(h.changesSent)")
        // A dry run shows what the live run refuses as a warning and carries on (CONTRACT.md,
        // "Dry run and plans").
        let dry = try BoxHarness(dryRun: true)
        #expect(try dry.run("return box.users.suspend(box.users.me()).status") == .string("inactive"))
        #expect(
            dry.said.contains {
                $0.hasPrefix("[dry-run] ! users.update ")
                    && $0.hasSuffix(": boxlua will refuse: it is the signed-in user")
            }, "\(dry.said)")
    }
}

@Suite struct AsUserInsideParallel {
    @Test func everyCallFnMakesGoesAsTheUser() throws {
        let h = try BoxHarness()
        let r = try h.run(
            pickDeletable + """
                local out = box.as_user(victim.id, function()
                  local res = box.parallel({1, 2, 3, 4}, function(i)
                    if i % 2 == 0 then return box.request('GET', '/2.0/users/me').id end
                    return box.users.me().id
                  end, {workers = 4})
                  local ids = {}
                  for i, x in ipairs(res) do ids[i] = x.ok and x.value or tostring(x.error) end
                  return ids
                end)
                local after = box.parallel({1}, function() return box.users.me().id end)[1].value
                return {ids = out, victim = victim.id, after = after}
                """)
        let victim = r["victim"]?.string
        #expect(victim != nil)
        for i in 1...4 { #expect(r["ids"]?[i]?.string == victim, "\(r)") }
        let mes = h.sandbox.requestLog.filter { $0.path == "/2.0/users/me" }
        #expect(mes.count == 5)
        #expect(mes.prefix(4).allSatisfy { $0.asUser == victim }, "\(mes.map { $0.asUser ?? "-" })")
        // Outside as_user, the workers are the admin again.
        #expect(mes.last?.asUser == nil)
        #expect(r["after"]?.string != victim)
    }

    @Test func coroutinesFnCreatesKeepTheUserToo() throws {
        let h = try BoxHarness()
        let r = try h.run(
            pickDeletable + """
                local inside = box.as_user(victim.id, function()
                  local wrapped = coroutine.wrap(function() return box.users.me().id end)
                  local co = coroutine.create(function() return box.users.me().id end)
                  local _, created = coroutine.resume(co)
                  return {wrapped(), created}
                end)
                local outside = coroutine.wrap(function() return box.users.me().id end)()
                return {victim = victim.id, a = inside[1], b = inside[2], outside = outside}
                """)
        #expect(r["a"]?.string == r["victim"]?.string && r["b"]?.string == r["victim"]?.string, "\(r)")
        #expect(r["outside"]?.string != r["victim"]?.string)
        #expect(
            h.failure("coroutine.wrap(1)")?.message
                == "test:1: bad argument #1 to 'wrap' (function expected, got number)")
    }
}
