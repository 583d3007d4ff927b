/// `boxlua snapshot` (issue 16 part 4): a copy of the signed-in enterprise in the seed format,
/// read through the real binary from the demo sandbox, loaded again, compared with the demo.
import BoxSandbox
import Foundation
import JSON
import TestSupport
import Testing

@Suite struct Snapshot {
    /// The demo's seed and the snapshot's, as the seed encoder writes them.
    private func snapshotOfTheDemo(_ extra: [String] = []) throws -> (demo: JSON, copy: JSON, stderr: String, file: URL)
    {
        let demo = try DemoSandbox()
        let file = demo.home.appendingPathComponent("copy/enterprise.json")
        let r = try boxlua(["snapshot", file.path] + extra, environment: demo.processEnvironment)
        #expect(r.status == 0, "\(r.stderr)")
        let copy = try SandboxSeed.load(from: file)
        return (SandboxSeed.demo().json(), copy.json(), r.stderr, file)
    }

    /// The entries of a seed list by id, each reduced to `keys`.
    private func byID(_ seed: JSON, _ list: String, _ keys: [String]) -> [String: [String: JSON]] {
        var out: [String: [String: JSON]] = [:]
        for e in seed[list]?.arrayValue ?? [] {
            guard let id = e["id"]?.stringValue else { continue }
            var kept: [String: JSON] = [:]
            for k in keys { kept[k] = e[k] ?? .null }
            out[id] = kept
        }
        return out
    }

    @Test func theCopyIsTheSameEnterprise() throws {
        let (demo, copy, stderr, file) = try snapshotOfTheDemo()
        #expect(stderr.contains("boxlua snapshot: written to \(file.path)"), "\(stderr)")
        var st = stat()
        #expect(stat(file.path, &st) == 0 && st.st_mode & 0o777 == 0o600)

        #expect(copy["enterprise"] == demo["enterprise"])
        #expect(copy["admin_user_id"] == demo["admin_user_id"])
        // Users: every listed one with its fields as Box gave them; those GET /users does not
        // list (external users, the service account behind a developer token) are absent
        // unless a collaboration names them.
        let userKeys = SandboxSeed.userFields.filter { $0 != "avatar_url" }
        let demoUsers = byID(demo, "users", userKeys), copyUsers = byID(copy, "users", userKeys)
        for (id, user) in copyUsers where user["enterprise"] != .null {
            #expect(user == demoUsers[id], "user \(id)")
        }
        for (id, user) in demoUsers where copyUsers[id] == nil {
            let serviceAccount = demo["service_account_user_id"]?.stringValue == id
            #expect(user["enterprise"] == .null || serviceAccount, "user \(id) missing from the copy")
        }
        // Who owns content is kept (files are counted, not copied).
        let owners = { (seed: JSON) -> Set<String> in
            var ids = Set((seed["folders"]?.arrayValue ?? []).compactMap { $0["owned_by"]?["id"]?.stringValue })
            for u in seed["users"]?.arrayValue ?? [] where (u["owned_items"]?.intValue ?? 0) > 0 {
                ids.insert(u["id"]?.stringValue ?? "")
            }
            return ids
        }
        #expect(owners(copy) == owners(demo).intersection(Set(copyUsers.keys)))

        for (list, keys) in [
            ("groups", ["name", "description", "provenance", "external_sync_identifier", "invitability_level"]),
            ("memberships", ["user_id", "group_id", "role"]),
            ("email_aliases", ["user_id", "email", "is_confirmed"]),
            ("folders", ["name", "owned_by", "size", "file_count", "parent"]),
            ("collaborations", ["item", "accessible_by", "role", "status"]),
            ("legal_hold_policies", ["policy_name", "description", "status", "assignments"]),
            ("retention_policies", ["policy_name", "policy_type", "retention_length", "status", "assignments"]),
        ] {
            let a = byID(demo, list, keys), b = byID(copy, list, keys)
            #expect(!a.isEmpty, "the demo has \(list)")
            #expect(Set(a.keys) == Set(b.keys), "\(list): ids differ")
            for (id, entry) in a where b[id] != entry { #expect(b[id] == entry, "\(list) \(id)") }
        }
        #expect(copy["events"]?.arrayValue?.isEmpty == true, "no events without --events-days")
        // No secret of the signed-in session is written.
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains(try DemoSandbox().sandbox.credentials.accessToken))
    }

    /// Users, folders and collaborations are read several at a time (BoxClient.each): with
    /// Box's latency a snapshot of a large enterprise is not one round trip per user.
    @Test func readsSeveralUsersAtOnce() throws {
        let demo = try DemoSandbox(faults: "latency_ms=15")
        let file = demo.home.appendingPathComponent("copy.json")
        demo.sandbox.clearRequestLog()
        let r = try boxlua(["snapshot", file.path], environment: demo.processEnvironment)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(demo.sandbox.peakRequestsInProgress > 2)
        #expect(try SandboxSeed.load(from: file).json()["users"] == (try snapshotOfTheDemo().copy["users"]))
    }

    @Test func eventsOfTheLastDaysAreCopied() throws {
        let (demo, copy, _, _) = try snapshotOfTheDemo(["--events-days", "400"])
        let logins = (demo["events"]?.arrayValue ?? []).filter { $0["event_type"] == "LOGIN" }
        let copied = copy["events"]?.arrayValue ?? []
        #expect(!logins.isEmpty && copied.count == logins.count, "\(copied.count) of \(logins.count)")
        #expect(
            Set(copied.compactMap { $0["event_id"]?.stringValue })
                == Set(logins.compactMap { $0["event_id"]?.stringValue }))
    }

    /// The rehearsal on the copy plans what the rehearsal on the demo plans, and applies alike.
    @Test func aPlanOnTheCopyIsThePlanOnTheDemo() throws {
        let (_, _, _, file) = try snapshotOfTheDemo()
        func plan(_ sandbox: String) throws -> [String] {
            let planFile = temporaryDirectory().appendingPathComponent("p.jsonl")
            let r = try boxlua(
                [
                    sandbox, "--plan", planFile.path, "\(examples)/deprovision-leavers.lua",
                    "\(examples)/ad-export.csv", "", temporaryDirectory().appendingPathComponent("c.csv").path,
                ],
                environment: ["HOME": temporaryDirectory().path, "XDG_STATE_HOME": nil, "XDG_CONFIG_HOME": nil])
            #expect(r.status == 0, "\(r.stderr)")
            let apply = try boxlua(
                ["apply", planFile.path, sandbox],
                environment: ["HOME": temporaryDirectory().path, "XDG_STATE_HOME": nil, "XDG_CONFIG_HOME": nil])
            let lines = try String(contentsOf: planFile, encoding: .utf8).split(separator: "\n").compactMap {
                (try? JSON.parse(String($0))).flatMap { j -> String? in
                    guard let m = j["method"]?.stringValue, let p = j["path"]?.stringValue else { return nil }
                    return "\(m) \(p) \(j["query"].map { $0.serialized() } ?? "")"
                }
            }
            // box.parallel in the example makes the order vary from run to run: the changes count.
            return lines.sorted() + ["apply exit \(apply.status)"]
        }
        let onDemo = try plan("--sandbox")
        let onCopy = try plan("--sandbox=\(file.path)")
        #expect(onDemo.count > 10)
        #expect(onCopy == onDemo)
    }

    @Test func badUsageAndUnwritableFilesAreOneLine() throws {
        let none = try boxlua(["snapshot"])
        #expect(none.status == 2 && none.stderr.hasPrefix("boxlua snapshot: snapshot needs the FILE"), "\(none.stderr)")
        let days = try boxlua(["snapshot", "x.json", "--events-days", "-1"])
        #expect(days.status == 2 && days.stderr.contains("--events-days"), "\(days.stderr)")
        let demo = try DemoSandbox()
        let folder = temporaryDirectory()
        let r = try boxlua(["snapshot", folder.path], environment: demo.processEnvironment)
        #expect(r.status == 2 && r.stderr.contains("it is a folder"), "\(r.stderr)")
        #expect(demo.requests.isEmpty, "no read for a file that cannot be written")
    }
}
