/// Where the sandbox must answer as Box does today for typed clients (issue 13): an unset
/// notification email, reading an invite back, who an admin event's source is.
import BoxSandbox
import Foundation
import JSON
import Testing

@Suite struct FidelityTests {
    /// Box's typed SDKs reject `notification_email: []` ("Expecting a map for
    /// UserNotificationEmailField"); an unset one is null in every representation.
    @Test func unsetNotificationEmailIsNullEverywhere() throws {
        let f = try SandboxFixture()
        let me = try f.call("GET", "/2.0/users/me").json
        #expect(me.objectValue?["notification_email"] == .null)
        let id = try #require(me["id"]?.stringValue)
        let projected = try f.call("GET", "/2.0/users/\(id)?fields=notification_email").json
        #expect(projected.objectValue?["notification_email"] == .null)
        let page = try f.call("GET", "/2.0/users?limit=1000").json["entries"]?.arrayValue ?? []
        #expect(!page.contains { $0["notification_email"] == .array([]) })
        #expect(page.contains { $0["notification_email"]?["email"]?.stringValue != nil })
        #expect(page.contains { $0.objectValue?["notification_email"] == .null })
        // Removing it (Box documents null for that) gives null back, not [].
        let withEmail = try #require(page.first { $0["notification_email"]?["email"] != nil }?["id"]?.stringValue)
        let cleared = try f.call("PUT", "/2.0/users/\(withEmail)", json: ["notification_email": .null]).json
        #expect(cleared.objectValue?["notification_email"] == .null)
    }

    /// Box's SDKs create an invite and read it back with GET /invites/{id} (`get_invites_id`).
    @Test func anInviteCanBeReadBackAndUnknownIdsAre404() throws {
        let f = try SandboxFixture()
        let ent = f.credentials.enterpriseID
        let created = try f.call(
            "POST", "/2.0/invites",
            json: [
                "enterprise": ["id": .string(ent)], "actionable_by": ["login": "sam.okoro@fabrikam.example"],
            ])
        #expect(created.status == 200)
        let id = try #require(created.json["id"]?.stringValue)
        let read = try f.call("GET", "/2.0/invites/\(id)")
        #expect(read.status == 200)
        #expect(read.json == created.json)
        #expect(
            read.json["actionable_by"]?["login"] == "sam.okoro@fabrikam.example" && read.json["status"] == "pending")
        let projected = try f.call("GET", "/2.0/invites/\(id)?fields=status").json.objectValue
        #expect(projected?.keys == ["type", "id", "status"])
        let missing = try f.call("GET", "/2.0/invites/999")
        #expect(missing.status == 404 && missing.json["type"] == "error" && missing.json["code"] == "not_found")
    }

    /// An admin event's `created_by` is who acted and its `source` what the event is about: for
    /// DELETE_USER the deleted user (spec `Event.source`/`created_by`; a real DELETE_USER event
    /// in Sumo Logic's Box app documentation has the deleted user as source, the admin as created_by).
    @Test func deleteUserEventHasTheDeletedUserAsSourceAndTheAdminAsCreatedBy() throws {
        let f = try SandboxFixture()
        let admin = try f.call("GET", "/2.0/users/me").json
        let now = try #require(
            try f.call("GET", "/2.0/events?stream_type=admin_logs&stream_position=now").json["next_stream_position"]?
                .stringValue)
        let made = try f.call(
            "POST", "/2.0/users", json: ["name": "Leaving Soon", "login": "leaving.soon@northwind.example"]
        ).json
        let id = try #require(made["id"]?.stringValue)
        #expect(try f.call("PUT", "/2.0/users/\(id)", json: ["job_title": "Gone"]).status == 200)
        #expect(try f.call("DELETE", "/2.0/users/\(id)").status == 204)
        let entries =
            try f.call("GET", "/2.0/events?stream_type=admin_logs&stream_position=\(now)").json["entries"]?.arrayValue
            ?? []
        #expect(entries.map { $0["event_type"] } == ["NEW_USER", "EDIT_USER", "DELETE_USER"])
        let subject: JSON = [
            "type": "user", "id": .string(id), "name": "Leaving Soon", "login": "leaving.soon@northwind.example",
        ]
        let actor: JSON = [
            "type": "user", "id": admin["id"] ?? .null, "name": admin["name"] ?? .null,
            "login": admin["login"] ?? .null,
        ]
        for e in entries {
            #expect(e["source"] == subject, "\(e["event_type"]?.stringValue ?? "")")
            #expect(e["created_by"] == actor, "\(e["event_type"]?.stringValue ?? "")")
        }
    }
}
