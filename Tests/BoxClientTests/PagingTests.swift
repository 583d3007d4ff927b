/// Paging against the sandbox: markers over thousands of users, early stop, offsets, event positions.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct PagingTests {
    /// The user count by Box's own offset listing (total_count), to compare marker paging with.
    func totalCount(_ c: BoxClient) throws -> Int {
        Int(try c.json(BoxRequest("GET", "/2.0/users", query: [("limit", "1")]))["total_count"]?.intValue ?? -1)
    }

    @Test(arguments: Faults.MarkerEnd.allCases)
    func markerPagingSeesEveryUserOnce(_ end: Faults.MarkerEnd) throws {
        var faults = Faults()
        faults.markerEnd = end
        let f = try ClientSandboxFixture(extraUsers: 3000, faults: faults, jwt: false)
        let c = f.developer
        let expected = try totalCount(c)
        let pager = c.listUsers(fields: "id,login")
        var ids: [String] = []
        while let page = try pager.next() {
            ids += page.entries.compactMap { $0["id"]?.stringValue }
        }
        #expect(expected > 3000)
        #expect(ids.count == expected)
        #expect(Set(ids).count == ids.count)
        #expect(pager.isFinished)
        #expect(try pager.next() == nil)
        let pages = f.log(path: "/2.0/users").filter { $0.query["usemarker"] != nil }
        #expect(pages.count == (expected + 999) / 1000)
        #expect(pages.allSatisfy { $0.query["limit"] == "1000" && $0.query["usemarker"] == "true" })
    }

    @Test func stoppingEarlyFetchesNoFurtherPage() throws {
        let f = try ClientSandboxFixture(extraUsers: 2500, jwt: false)
        let pager = f.developer.listUsers(pageSize: 500)
        let first = try #require(try pager.next())
        #expect(first.entries.count == 500)
        #expect(first.body.count > 0)
        #expect(f.log(path: "/2.0/users").count == 1)
    }

    @Test func asyncPagesThroughTheEngine() throws {
        let f = try ClientSandboxFixture(extraUsers: 1500, jwt: false)
        let c = f.developer
        let pager = c.listUsers(pageSize: 1000)
        var seen = 0
        var finished = false
        func pull() {
            pager.next { result in
                switch result {
                case .success(let page?): seen += page.entries.count; pull()
                case .success(nil): finished = true
                case .failure(let e): Issue.record("\(e)"); finished = true
                }
            }
        }
        pull()
        c.engine.run { finished }
        #expect(seen == (try totalCount(c)))
    }

    @Test func membershipsPageByOffset() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.developer
        let snapshot = f.sandbox.stateSnapshot()
        let memberships = snapshot["memberships"]?.arrayValue ?? []
        let user = try #require(
            memberships.first?["user_id"]?.stringValue ?? memberships.first?["user"]?["id"]?.stringValue)
        let pager = BoxPager(client: c, request: BoxOperations.usersMemberships.request(user), mode: .offset(limit: 1))
        var ids: [String] = []
        while let page = try pager.next() { ids += page.entries.compactMap { $0["id"]?.stringValue } }
        #expect(!ids.isEmpty)
        #expect(Set(ids).count == ids.count)
        let offsets = f.log(path: "/2.0/users/\(user)/memberships").compactMap { $0.query["offset"] }
        #expect(offsets == (0..<offsets.count).map(String.init))
    }

    @Test func offsetPagingNeverPassesOffset9999() throws {
        let f = try ClientSandboxFixture(extraUsers: 10_100, jwt: false)
        let pager = BoxPager(
            client: f.developer, request: BoxOperations.usersList.request(query: [("fields", "id")]),
            mode: .offset(limit: 1000))
        var ids: [String] = []
        do {
            while let page = try pager.next() { ids += page.entries.compactMap { $0["id"]?.stringValue } }
            Issue.record("paged past offset 9999 without an error")
        } catch {
            #expect(error.code == "offset_limit")
            #expect(error.description.contains("more than 10000 entries"))
        }
        // Everything Box can give by offset was given, once each, and offset 10000 was never asked for.
        #expect(ids.count == 10_000)
        #expect(Set(ids).count == 10_000)
        let offsets = f.log(path: "/2.0/users").compactMap { Int($0.query["offset"] ?? "") }
        #expect(offsets == stride(from: 0, through: 9000, by: 1000).map { $0 })
    }

    @Test func adminLogsKeepPositionsAsStrings() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.developer
        let pager = c.adminLogs(eventTypes: ["LOGIN"])
        var events = 0
        var positions: [String] = []
        while let page = try pager.next() {
            events += page.entries.count
            #expect(page.entries.allSatisfy { $0["event_type"] == "LOGIN" })
            if let p = pager.position { positions.append(p) }
        }
        #expect(events > 0)
        #expect(pager.isFinished)
        let last = try #require(pager.position)
        #expect(last != "0" && !last.isEmpty)
        // The last request asked from the last non-empty position and got an empty page.
        let sent = f.log(path: "/2.0/events").compactMap { $0.query["stream_position"] }
        #expect(sent.first == "0")
        #expect(sent.last == last)
        #expect(f.log(path: "/2.0/events").allSatisfy { $0.query["stream_type"] == "admin_logs" })
    }
}
