import Testing
import Foundation
import BoxClient
import JSON
@testable import BoxChanges

/// `text` is not a plan `Plan.parse` accepts, and the error says `fragment`.
func expectRefused(_ text: String, saying fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try Plan.parse(text)
        Issue.record("accepted: \(text)", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)".contains(fragment), "\(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct PlanFormat {
    func sample() -> Plan {
        Plan(
            header: PlanHeader(createdAt: "2026-11-28T10:00:00Z", baseURL: "http://127.0.0.1:9", asUser: nil),
            changes: [
                PlannedChange(
                    seq: 1, op: "users.update", method: "PUT", path: "/2.0/users/42", query: [],
                    body: ["status": "inactive"], asUser: nil, subject: ChangeSubject(id: "42", login: "a@b.c")),
                PlannedChange(
                    seq: 2, op: "users.delete", method: "DELETE", path: "/2.0/users/42",
                    query: [("force", "false"), ("notify", "false")], body: nil, asUser: "7",
                    subject: ChangeSubject(id: "42", login: "a@b.c")),
            ])
    }

    @Test func roundTrip() throws {
        let text = sample().jsonLines()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[3].hasPrefix(#"{"boxlua_plan_end":2,"sha256":""#))
        #expect(
            lines[0]
                == #"{"boxlua_plan":1,"created_at":"2026-11-28T10:00:00Z","base_url":"http://127.0.0.1:9","as_user":null}"#
        )
        #expect(
            lines[2].hasPrefix(
                #"{"seq":2,"op":"users.delete","method":"DELETE","path":"/2.0/users/42","query":{"force":"false","notify":"false"},"body":null"#
            ))
        let back = try Plan.parse(text)
        #expect(back.header == sample().header)
        #expect(back.changes == sample().changes)
    }

    @Test func errorsNameTheLine() {
        let header = #"{"boxlua_plan":1,"created_at":"x","base_url":"http://h"}"#
        #expect(throws: PlanError.self) { try Plan.parse("") }
        for (text, fragment) in [
            ("\(header)\n{\"seq\":1,\"op\":\"x\",\"method\":\"PUT\"}\n", "line 2: 'path' is missing"),
            ("\(header)\nnot json\n", "line 2:"),
            ("{\"boxlua_plan\":2,\"base_url\":\"h\"}\n", "version 2"),
            (
                "\(header)\n{\"seq\":2,\"op\":\"x\",\"method\":\"PUT\",\"path\":\"/a\"}\n{\"seq\":1,\"op\":\"x\",\"method\":\"PUT\",\"path\":\"/a\"}\n",
                "line 3: seq 1 does not follow 2"
            ),
        ] {
            expectRefused(text, saying: fragment)
        }
    }

    @Test func appendOnlyFileSurvivesTornLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID())")
        let path = dir.appendingPathComponent("sub/journal.jsonl").path
        let f = try JSONLinesFile(appendingTo: path)
        try f.append(["seq": 1, "state": "ok"])
        try f.append(["seq": 2, "state": "failed"])
        f.close()
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        // A crash mid-write leaves a partial line: it must not poison the rest.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.seekToEndOfFile()
        h.write(Data(#"{"seq":3,"sta"#.utf8))
        try h.close()
        let records = try JSONLinesFile.read(path)
        #expect(records.count == 2)
        #expect(records[1]["state"] == "failed")
    }

    @Test func atomicWrite() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID())").path
        try writeFileAtomically("one", to: path, mode: 0o600)
        try writeFileAtomically("two", to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }
}

@Suite struct DryRunAnswers {
    let now = "2026-11-28T10:00:00-08:00"

    @Test func updateMergesTheChangesIntoTheUser() {
        let current: JSON = ["type": "user", "id": "42", "login": "a@b.c", "status": "active", "name": "A"]
        let r = DryRunResults.response(
            BoxOperations.usersUpdate.dryRun, method: "PUT", path: "/2.0/users/42",
            body: ["status": "inactive", "notify": false],
            current: current, seq: 1, now: now)
        #expect(r.status == 200)
        #expect(r.body?["status"] == "inactive")
        #expect(r.body?["login"] == "a@b.c")
        #expect(r.body?["notify"] == nil)
    }

    @Test func deleteTransferCreate() {
        #expect(
            DryRunResults.response(
                BoxOperations.usersDelete.dryRun, method: "DELETE", path: "/2.0/users/42", body: nil, current: nil,
                seq: 2, now: now
            ).status == 204)
        let f = DryRunResults.response(
            BoxOperations.usersTransferContent.dryRun, method: "PUT", path: "/2.0/users/42/folders/0",
            body: ["owned_by": ["id": "7"]], current: ["name": "Ann"], seq: 3, now: now)
        #expect(f.body?["name"] == "Ann's Files and Folders")
        #expect(f.body?["owned_by"]?["id"] == "7")
        let c = DryRunResults.response(
            BoxOperations.usersCreate.dryRun, method: "POST", path: "/2.0/users",
            body: ["name": "N", "login": "n@x.y"], current: nil,
            seq: 4, now: now)
        #expect(c.status == 201 && c.body?["id"] == "dry-run-user-4" && c.body?["status"] == "active")
    }

    @Test func userIDs() {
        #expect(DryRunResults.userID(inPath: "/2.0/users/42") == "42")
        #expect(DryRunResults.userID(inPath: "/2.0/users/42/folders/0") == "42")
        #expect(DryRunResults.userID(inPath: "/2.0/users/me") == nil)
        #expect(DryRunResults.userID(inPath: "/2.0/groups/1") == nil)
    }
}
