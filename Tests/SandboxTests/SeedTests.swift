/// The demo enterprise, the JSON seed format, and the Active Directory export beside it.
@testable import BoxSandbox
import Foundation
import JSON
import TestSupport
import Testing

@Suite struct SeedTests {
    @Test func demoIsTheSameOnEveryStart() throws {
        let a = SandboxSeed.demo().json(), b = SandboxSeed.demo().json()
        #expect(a == b)
        let users = try #require(a["users"]?.arrayValue)
        #expect(users.count > 300)
        let admins = users.filter { $0["role"] == "admin" }
        #expect(admins.count == 1)
        for status in ["active", "inactive", "cannot_delete_edit", "cannot_delete_edit_upload"] {
            #expect(users.contains { $0["status"] == .string(status) }, "\(status)")
        }
        #expect(users.filter { $0["role"] == "coadmin" }.count >= 3)
        #expect(users.filter { $0["is_platform_access_only"] == true }.count >= 5)
        #expect(users.filter { $0["enterprise"] == .null }.count >= 3)
        #expect(users.filter { ($0["owned_items"]?.intValue ?? 0) > 0 }.count > 50)
        #expect((a["memberships"]?.arrayValue?.count ?? 0) > 100)
    }

    @Test func someUsersNeverSignedInAndSomeAreStale() throws {
        let seed = SandboxSeed.demo()
        var last: [String: Int64] = [:]
        for e in seed.events where e.eventType == "LOGIN" { last[e.userID] = max(last[e.userID] ?? 0, e.createdAt) }
        let managed = seed.users.filter {
            !$0.isPlatformAccessOnly && $0.enterpriseID != nil && $0.id != seed.serviceAccountUserID
        }
        let now = Int64(Date().timeIntervalSince1970)
        #expect(managed.filter { last[$0.id] == nil }.count >= 10)
        #expect(managed.filter { last[$0.id].map { now - $0 > 90 * 86400 } == true }.count >= 10)
        #expect(managed.filter { last[$0.id].map { now - $0 < 30 * 86400 } == true }.count >= 100)
    }

    @Test func saveThenLoadGivesTheSameState() throws {
        let f = try SandboxFixture()
        _ = try f.call(
            "POST", "/2.0/users",
            json: ["name": "Saved", "login": "saved@northwind.example", "notification_email": ["email": "n@x.example"]])
        let file = temporaryDirectoryURL().appendingPathComponent("state.json")
        try f.sandbox.save(to: file)
        let loaded = try SandboxSeed.load(from: file)
        #expect(loaded.json() == f.sandbox.stateSnapshot())
        let again = try Sandbox(seed: loaded)
        _ = try again.start()
        defer { again.stop() }
        #expect(again.stateSnapshot() == f.sandbox.stateSnapshot())
    }

    @Test func minimalSeedFileGetsDefaultsAndExtraUsers() throws {
        let file = temporaryDirectoryURL().appendingPathComponent("seed.json")
        try """
        {"enterprise": {"id": "42", "name": "Tiny"}, "admin_user_id": "11", "service_account_user_id": "12",
         "extra_users": 2500,
         "users": [{"id": "11", "name": "Ann Admin", "login": "ann@tiny.example", "role": "admin"},
                   {"id": "12", "name": "Svc", "login": "AutomationUser_1_abc@boxdevedition.com"},
                   {"name": "Owner", "login": "owner@tiny.example", "owned_items": 3, "status": "inactive"}]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let seed = try SandboxSeed.load(from: file)
        #expect(seed.users.count == 2503)
        let f = try SandboxFixture(seed: seed)
        // The service account is not listed.
        #expect(try f.call("GET", "/2.0/users?limit=1").json["total_count"] == 2502)
        let owner = try f.call("GET", "/2.0/users?filter_term=owner&fields=status,space_used").json["entries"]?
            .arrayValue?.first
        #expect(owner?["status"] == "inactive")
        #expect(try f.call("DELETE", "/2.0/users/\(owner?["id"]?.stringValue ?? "")").status == 400)
    }

    @Test(arguments: [
        ("{", "invalid JSON"), ("[]", "must be a JSON object"),
        ("{\"admin_user_id\": 1}", "'admin_user_id' must be a string"),
        (
            "{\"admin_user_id\": \"1\", \"service_account_user_id\": \"2\", \"users\": [{\"id\": \"1\"}]}",
            "users[0]: 'name'"
        ),
        (
            "{\"admin_user_id\": \"1\", \"service_account_user_id\": \"2\", \"users\": [{\"id\": \"1\", \"name\": \"A\", \"status\": \"gone\"}]}",
            "users[0]: Invalid value 'gone'"
        ),
        ("{\"admin_user_id\": \"1\", \"service_account_user_id\": \"2\", \"users\": []}", "no user with id 1"),
    ])
    func badSeedFilesNameTheFileAndTheProblem(text: String, words: String) throws {
        let file = temporaryDirectoryURL().appendingPathComponent("bad.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect { try SandboxSeed.load(from: file) } throws: { e in
            let s = "\(e)"
            return s.hasPrefix(file.path) && s.contains(words)
        }
    }

    @Test func hundredThousandUsersServeInThousandUserPages() throws {
        let f = try SandboxFixture(seed: .demo(extraUsers: 100_000))
        var marker: String? = nil
        var count = 0
        repeat {
            let page = try f.call(
                "GET", "/2.0/users?usemarker=true&limit=1000&fields=id" + (marker.map { "&marker=\($0)" } ?? "")
            ).json
            count += page["entries"]?.arrayValue?.count ?? 0
            marker = page["next_marker"]?.stringValue
        } while marker != nil
        #expect(count > 100_300)
    }
}

@Suite struct DirectoryExportTests {
    static let path = packageRoot().appendingPathComponent("scripts/examples/ad-export.csv")

    /// BOXLUA_REGENERATE_EXAMPLES=1 rewrites the checked-in file from the generator.
    @Test func checkedInExportMatchesTheDemoEnterprise() throws {
        let generated = DemoEnterprise.adExportCSV()
        if ProcessInfo.processInfo.environment["BOXLUA_REGENERATE_EXAMPLES"] == "1" {
            try Data(generated.utf8).write(to: Self.path)
        }
        let onDisk = try Data(contentsOf: Self.path)
        #expect(onDisk == Data(generated.utf8))
    }

    @Test func disabledAccountsAreTheKnownLeaversAndExistInBox() throws {
        let text = DemoEnterprise.adExportCSV()
        #expect(
            text.hasPrefix(
                "#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n\"DisplayName\",\"SamAccountName\",\"UserPrincipalName\",\"mail\",\"Enabled\""
            ))
        let rows = text.components(separatedBy: "\r\n").dropFirst(2).filter { !$0.isEmpty }
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let disabled = rows.filter { $0.contains("\",\"False\",\"") }.compactMap {
            $0.components(separatedBy: "\",\"").dropFirst(2).first?.lowercased()
        }
        let leavers = Set(DemoEnterprise.leaverLogins)
        #expect(leavers.count >= 20)
        #expect(leavers.isSubset(of: Set(disabled)))
        let seed = SandboxSeed.demo()
        let logins = Set(seed.users.map { $0.login.lowercased() })
        #expect(leavers.isSubset(of: logins))
        let owners = seed.users.filter { leavers.contains($0.login) && $0.ownedItems > 0 }
        #expect(owners.count >= 5 && owners.count < leavers.count)
        let directoryOnly = rows.compactMap { $0.components(separatedBy: "\",\"").dropFirst(2).first?.lowercased() }
            .filter { !logins.contains($0) }
        #expect(directoryOnly.count >= 3)
    }
}

@Suite struct UserJSONTests {
    /// The hand-written standard writer and the generic field writer must agree exactly.
    @Test func standardWriterMatchesTheFieldByFieldWriter() throws {
        var seed = SandboxSeed.demo()
        seed.users[5].notificationEmail = "n@x.example"
        seed.users[6].name = "Quote \" and \\ and é"
        for u in seed.users {
            var fast: [UInt8] = [], generic: [UInt8] = []
            u.write(fields: nil, enterpriseName: seed.enterpriseName, to: &fast)
            u.write(
                fields: Array(SandboxUser.standardFields.dropFirst(2)), enterpriseName: seed.enterpriseName,
                to: &generic)
            #expect(fast == generic, "\(u.id)")
            #expect(try JSON.parse(fast)["created_at"]?.stringValue == BoxTime.format(u.createdAt))
        }
    }

    @Test func boxTimeFormatsAndParses() {
        #expect(BoxTime.format(0) == "1969-12-31T16:00:00-08:00")
        #expect(BoxTime.format(1_700_000_000) == "2023-11-14T14:13:20-08:00")
        #expect(BoxTime.parse("2023-11-14T14:13:20-08:00") == 1_700_000_000)
        #expect(BoxTime.parse("2023-11-14T22:13:20Z") == 1_700_000_000)
        #expect(BoxTime.parse("2023-11-14T22:13:20.123456Z") == 1_700_000_000)
        #expect(BoxTime.parse("2023-11-15T03:43:20+0530") == 1_700_000_000)
        #expect(BoxTime.parse("2023-11-14") == 1_699_920_000)
        #expect(BoxTime.parse("2024-02-29T00:00:00Z").map(BoxTime.format) == "2024-02-28T16:00:00-08:00")
        for bad in [
            "", "yesterday", "2023-13-01", "2023-11-14T25:00:00Z", "2023-11-14T10:00:00+5", "2023-11-14T10:00:00Zjunk",
        ] {
            #expect(BoxTime.parse(bad) == nil, "\(bad)")
        }
    }
}
