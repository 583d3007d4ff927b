/// GET /2.0/users over HTTP: defaults, clamping, the offset cap, marker paging, filters,
/// `fields=`, permissions.
import BoxSandbox
import Foundation
import JSON
import Testing

@Suite struct UserListingTests {
    @Test func defaultPageIsOffsetModeWithLimit100AndStandardFields() throws {
        let f = try SandboxFixture()
        let r = try f.call("GET", "/2.0/users")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        let page = r.json
        #expect(page["limit"] == 100 && page["offset"] == 0)
        #expect((page["total_count"]?.intValue ?? 0) > 300)
        let first = try #require(page["entries"]?.arrayValue?.first?.objectValue)
        #expect(
            first.keys == [
                "type", "id", "name", "login", "created_at", "modified_at", "language", "timezone", "space_amount",
                "space_used", "max_upload_size", "status", "job_title", "phone", "address", "avatar_url",
                "notification_email",
            ])
        #expect(first["role"] == nil)
    }

    @Test func limitAbove1000IsClampedAndEchoedAndOffsetAbove10000Is400() throws {
        let f = try SandboxFixture()
        #expect(try f.call("GET", "/2.0/users?limit=5000").json["limit"] == 1000)
        #expect(try f.call("GET", "/2.0/users?offset=10000").status == 200)
        let r = try f.call("GET", "/2.0/users?offset=10001")
        #expect(r.status == 400)
        #expect(r.json["code"] == "bad_request")
        let err = r.json["context_info"]?["errors"]?.arrayValue?.first
        #expect(err?["reason"] == "invalid_parameter" && err?["name"] == "offset")
        #expect(r.json["request_id"]?.stringValue == r.headers["box-request-id"])
        #expect(try f.call("GET", "/2.0/users?limit=abc").json["code"] == "invalid_limit")
    }

    @Test func markerPagingOverThousandsSeesEveryUserOnce() throws {
        let f = try SandboxFixture(seed: .demo(extraUsers: 4_500))
        let total = try #require(try f.call("GET", "/2.0/users?limit=1").json["total_count"]?.intValue)
        var seen: [String] = []
        var marker: String? = nil
        var pages = 0
        repeat {
            let q = "/2.0/users?usemarker=True&limit=1000&fields=id" + (marker.map { "&marker=\($0)" } ?? "")
            let page = try f.call("GET", q).json
            #expect(page["total_count"] == nil && page["offset"] == nil)
            seen += (page["entries"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            marker = page["next_marker"]?.stringValue
            pages += 1
        } while marker != nil
        #expect(seen.count == Int(total))
        #expect(Set(seen).count == seen.count)
        #expect(pages == (Int(total) + 999) / 1000)
    }

    @Test(arguments: [("omit", nil), ("null", JSON.null), ("empty", JSON.string(""))] as [(String, JSON?)])
    func lastMarkerPageEndsAsConfigured(mode: String, expected: JSON?) throws {
        var faults = Faults()
        faults.markerEnd = try #require(Faults.MarkerEnd(rawValue: mode))
        let f = try SandboxFixture(faults: faults)
        let page = try f.call("GET", "/2.0/users?usemarker=true&limit=1000").json
        #expect(page.objectValue?.keys.contains("next_marker") == (expected != nil))
        #expect(page["next_marker"] == expected)
    }

    @Test func badMarkerIs400() throws {
        let f = try SandboxFixture()
        #expect(try f.call("GET", "/2.0/users?usemarker=true&marker=not-a-marker").status == 400)
    }

    @Test func filterTermIsAPrefixOfNameOrLogin() throws {
        let f = try SandboxFixture()
        let byLogin = try f.call("GET", "/2.0/users?filter_term=maria.&fields=login").json["entries"]?.arrayValue ?? []
        #expect(!byLogin.isEmpty)
        #expect(byLogin.allSatisfy { $0["login"]?.stringValue?.hasPrefix("maria.") == true })
        let byName = try f.call("GET", "/2.0/users?filter_term=MARIA%20K&fields=name").json["entries"]?.arrayValue ?? []
        #expect(!byName.isEmpty && byName.allSatisfy { $0["name"]?.stringValue?.hasPrefix("Maria K") == true })
    }

    @Test func externalUsersAppearOnlyOnAnExactLogin() throws {
        let f = try SandboxFixture()
        let login = "jordan.rivera@contoso-partners.example"
        #expect(try f.call("GET", "/2.0/users?filter_term=jordan").json["total_count"] == 0)
        #expect(try f.call("GET", "/2.0/users?user_type=external").json["total_count"] == 0)
        for type in ["all", "external"] {
            let page = try f.call("GET", "/2.0/users?user_type=\(type)&filter_term=\(login)").json
            #expect(page["entries"]?.arrayValue?.map { $0["login"] } == [.string(login)])
        }
        #expect(try f.call("GET", "/2.0/users?user_type=managed&filter_term=\(login)").json["total_count"] == 0)
        #expect(try f.call("GET", "/2.0/users?user_type=bogus").status == 400)
    }

    @Test func appUsersByExternalAppUserID() throws {
        let f = try SandboxFixture()
        let page = try f.call(
            "GET", "/2.0/users?external_app_user_id=crm-1017&fields=login,is_platform_access_only,external_app_user_id"
        ).json
        let u = try #require(page["entries"]?.arrayValue?.first)
        #expect(page["total_count"] == 1)
        #expect(u["is_platform_access_only"] == true && u["external_app_user_id"] == "crm-1017")
        #expect(u["login"]?.stringValue?.hasPrefix("AppUser_") == true)
        #expect(u["login"]?.stringValue?.hasSuffix("@boxdevedition.com") == true)
    }

    @Test func fieldsReturnTypeIdAndOnlyWhatWasAsked() throws {
        let f = try SandboxFixture()
        let me = try f.call("GET", "/2.0/users/me?fields=role,enterprise,status,no_such_field").json.objectValue
        #expect(me?.keys == ["type", "id", "role", "enterprise", "status"])
        #expect(me?["role"] == "admin")
        #expect(me?["enterprise"]?["type"] == "enterprise")
    }

    @Test func nonAdminsMayNotListTheEnterprise() throws {
        let f = try SandboxFixture()
        let user = try f.firstUser {
            $0["role"] == "user" && $0["status"] == "active" && $0["is_platform_access_only"] == false
        }
        let token = try f.ccgToken(type: "user", id: user["id"]?.stringValue)
        let r = try f.call("GET", "/2.0/users", token: token)
        #expect(r.status == 403)
        #expect(r.json["code"] == "access_denied_insufficient_permissions")
        #expect(try f.call("GET", "/2.0/users/me", token: token).json["id"] == user["id"])
    }

    @Test func timestampsUsePacificOffsetAndSetNotificationEmailsAreObjects() throws {
        let f = try SandboxFixture()
        let me = try f.call("GET", "/2.0/users/me").json
        let created = try #require(me["created_at"]?.stringValue)
        #expect(created.count == 25 && created.hasSuffix("-08:00"))
        let withEmail =
            try f.call("GET", "/2.0/users?limit=1000&fields=notification_email").json["entries"]?.arrayValue ?? []
        #expect(withEmail.contains { $0["notification_email"]?["email"] != nil })
    }
}
