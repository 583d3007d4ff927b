/// The plan's trailer (count + SHA-256), the journal's ownership and lock, and the temporary
/// file of an atomic write.
import Foundation
import JSON
import Testing
@testable import BoxChanges

@Suite struct PlanIntegrity {
    @Test func sha256KnownVectors() {
        // FIPS 180-2 examples, plus lengths around the 55/56/64-byte padding boundaries.
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func sample() -> Plan {
        Plan(
            header: PlanHeader(createdAt: "2026-11-28T10:00:00Z", baseURL: "http://127.0.0.1:9", asUser: nil),
            changes: [
                PlannedChange(
                    seq: 1, op: "users.update", method: "PUT", path: "/2.0/users/42", query: [],
                    body: ["status": "inactive"], asUser: nil, subject: ChangeSubject(id: "42", login: "a@b.c")),
                PlannedChange(
                    seq: 2, op: "users.delete", method: "DELETE", path: "/2.0/users/42", query: [], body: nil,
                    asUser: nil, subject: ChangeSubject(id: "42", login: "a@b.c")),
            ])
    }

    @Test func theTrailerCountsAndHashesTheLinesBeforeIt() throws {
        let text = sample().jsonLines()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines[4].isEmpty)
        let body = lines[0...2].joined(separator: "\n") + "\n"
        #expect(lines[3] == #"{"boxlua_plan_end":2,"sha256":"\#(SHA256.hex(Array(body.utf8)))"}"#)
        let plan = try Plan.parse(text)
        #expect(plan.changes.count == 2)
        #expect(plan.id == SHA256.hex(Array(body.utf8)))
    }

    @Test func aPlanWithoutItsTrailerOrWithAnotherCountOrHashIsRefused() {
        let lines = sample().jsonLines().split(separator: "\n").map(String.init)
        let cases: [(String, String)] = [
            (lines[0...2].joined(separator: "\n") + "\n", "no end line"),
            ([lines[0], lines[1], lines[3]].joined(separator: "\n") + "\n", "has 1 change"),
            (lines.joined(separator: "\n").replacingOccurrences(of: "inactive", with: "active") + "\n", "sha256"),
            (lines.joined(separator: "\n") + "\n" + lines[1] + "\n", "after its end line"),
        ]
        for (text, fragment) in cases {
            expectRefused(text, saying: fragment)
        }
    }

    @Test func atomicWriteNeverFollowsAPlantedSymlink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let victim = dir.appendingPathComponent("victim").path
        try "keep".write(toFile: victim, atomically: false, encoding: .utf8)
        let path = dir.appendingPathComponent("p.plan").path
        // The names the old code used: PATH.tmp-PID.
        try FileManager.default.createSymbolicLink(atPath: path + ".tmp-\(getpid())", withDestinationPath: victim)
        try writeFileAtomically("plan", to: path, mode: 0o600)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "plan")
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.contains(".tmp") && !$0.hasSuffix("-\(getpid())")
        }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aJournalBelongsToOnePlanAndOneRunAtATime() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID())")
        let path = dir.appendingPathComponent("p.plan.journal").path
        let j = try PlanJournal(path: path, planID: "aaa")
        try j.record(seq: 1, state: .ok, time: "t")
        // Held: a second opener (another apply) is refused.
        #expect(throws: PlanJournal.Busy.self) { try PlanJournal(path: path, planID: "aaa") }
        j.close()
        let again = try PlanJournal(path: path, planID: "aaa")
        #expect(again.previous[1] == .ok)
        again.close()
        do {
            _ = try PlanJournal(path: path, planID: "bbb")
            Issue.record("a journal of another plan was accepted")
        } catch {
            #expect("\(error)".contains("another plan"), "\(error)")
        }
    }
}
