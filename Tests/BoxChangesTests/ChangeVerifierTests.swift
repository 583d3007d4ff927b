/// ChangeVerifier against the demo sandbox through the real client: each kind of change,
/// before and after it is made, in the async form (as the client's hook will call it).
import BoxClient
import BoxSandbox
import JSON
import Testing
import TestSupport
@testable import BoxChanges

@Suite struct ChangeVerifierChecks {
    func client(_ s: DemoSandbox) -> BoxClient {
        var settings = ClientSettings(baseURL: s.url)
        settings.retry.baseInterval = 0.01
        return BoxClient(settings: settings, signIn: .accessToken(s.sandbox.credentials.accessToken))
    }

    /// The async form, driven by the engine until it calls back (exactly once).
    /// The kind of an answer, without the record a made check carries.
    func word(_ c: ChangeCheck) -> String {
        switch c {
        case .made: return "made"
        case .notMade: return "not made"
        case .unknown: return "unknown"
        }
    }

    func check(_ request: BoxRequest, _ client: BoxClient) -> [ChangeCheck] {
        var answers: [ChangeCheck] = []
        ChangeVerifier.check(request, client: client) { answers.append($0) }
        client.engine.run { !answers.isEmpty }
        return answers
    }

    @Test func eachKindOfChangeBeforeAndAfter() throws {
        let s = try DemoSandbox()
        let c = client(s)
        let users = try c.json(BoxRequest("GET", "/2.0/users", query: [("fields", "id,role,status,space_used")]))
        let ordinary =
            users["entries"]?.arrayValue?.filter {
                $0["role"] == "user" && $0["status"] == "active" && ($0["space_used"]?.intValue ?? 0) > 0
            } ?? []
        let a = try #require(ordinary.first?["id"]?.stringValue)
        let b = try #require(ordinary.dropFirst().first?["id"]?.stringValue)
        let me = try #require(try c.json(BoxRequest("GET", "/2.0/users/me"))["id"]?.stringValue)

        let update = BoxRequest("PUT", "/2.0/users/\(a)", body: ["job_title": "Checked", "notify": false])
        #expect(check(update, c).map(word) == ["not made"])
        _ = try c.send(update)
        #expect(check(update, c).map(word) == ["made"])

        let transfer = BoxRequest("PUT", "/2.0/users/\(a)/folders/0", body: ["owned_by": ["id": .string(me)]])
        #expect(check(transfer, c).map(word) == ["not made"])
        _ = try c.send(transfer)
        #expect(check(transfer, c).map(word) == ["made"])

        let delete = BoxRequest("DELETE", "/2.0/users/\(a)")
        #expect(check(delete, c).map(word) == ["not made"])
        _ = try c.send(delete)
        #expect(check(delete, c).map(word) == ["made"])
        // A transfer of a user now gone cannot be told.
        guard case .unknown = check(transfer, c).first else {
            Issue.record("a transfer from a deleted user was told"); return
        }

        let create = BoxRequest("POST", "/2.0/users", body: ["login": "new.checked@northwind.example", "name": "N"])
        #expect(check(create, c).map(word) == ["not made"])
        _ = try c.send(create)
        #expect(check(create, c).map(word) == ["made"])

        let app = BoxRequest(
            "POST", "/2.0/users",
            body: [
                "name": "Robot", "external_app_user_id": "robot-7", "is_platform_access_only": true,
            ])
        #expect(check(app, c).map(word) == ["not made"])
        _ = try c.send(app)
        #expect(check(app, c).map(word) == ["made"])

        for unchecked in [
            BoxRequest("POST", "/2.0/users/terminate_sessions", body: ["user_ids": [.string(b)]]),
            BoxRequest("POST", "/2.0/invites", body: ["actionable_by": ["login": "x@y.z"]]),
            BoxRequest("POST", "/2.0/webhooks", body: ["address": "https://x.example"]),
        ] {
            let answer = check(unchecked, c)
            guard answer.count == 1, case .unknown(let why) = answer[0] else {
                Issue.record("\(unchecked.op): \(answer)")
                continue
            }
            #expect(why.contains("cannot be checked"), "\(why)")
        }
    }
}
