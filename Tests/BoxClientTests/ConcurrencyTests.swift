/// Many calls in flight on one thread: they overlap, and a 429 on one holds back the rest.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct ConcurrencyTests {
    @Test func callsStartedTogetherAreInFlightTogether() throws {
        var faults = Faults()
        faults.latencyMilliseconds = 200
        let f = try ClientSandboxFixture(jwt: false)
        f.sandbox.faults = faults
        let c = f.developer
        let ids = try c.listUsers(fields: "id", pageSize: 8).next()?.entries.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.count == 8)
        var results: [String: String] = [:]
        var mostInFlight = 0
        for id in ids {
            c.start(BoxOperations.usersGet.request(id, query: [("fields", "id")])) { r in
                results[id] = (try? r.get().json())?["id"]?.stringValue ?? "error"
            }
        }
        c.engine.run {
            mostInFlight = max(mostInFlight, c.engine.inFlight)
            return results.count == ids.count
        }
        #expect(mostInFlight == 8)
        #expect(results == Dictionary(uniqueKeysWithValues: ids.map { ($0, $0) }))
    }

    @Test func aRateLimitOnOneCallPausesTheOthers() throws {
        var faults = Faults()
        faults.rateLimitEvery = 1
        faults.retryAfter = 1
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.developer
        let clock = c.engine.clock
        var finishedAt: [String: Double] = [:]
        c.start(BoxOperations.usersMe.request(query: [("fields", "id")])) { _ in finishedAt["a"] = clock.now }
        c.engine.run { c.engine.pausedUntil > 0 }
        let pauseEnd = c.engine.pausedUntil
        #expect(pauseEnd > clock.now)
        f.sandbox.faults = Faults()
        for name in ["b", "c", "d"] {
            c.start(BoxOperations.usersMe.request(query: [("fields", "id")])) { r in
                finishedAt[name] = (try? r.get()) == nil ? -1 : clock.now
            }
        }
        c.engine.run { finishedAt.count == 4 }
        // Calls started during the pause were held until it ended, then all went through.
        #expect(f.statuses("/2.0/users/me") == [429, 200, 200, 200, 200])
        for name in ["a", "b", "c", "d"] { #expect((finishedAt[name] ?? -1) >= pauseEnd) }
    }

    @Test func interruptStopsEveryCallWithoutWaitingOutRetryAfter() throws {
        var faults = Faults()
        faults.rateLimitEvery = 1
        faults.retryAfter = 30
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.client(.accessToken(f.credentials.accessToken)) { $0.retry.maxWait = 40 }
        var observed: [String] = []
        c.sentObserver = { r, result, _ in
            observed.append("\(r.op) \((try? result.get()).map { _ in "ok" } ?? result.failureCode)")
        }
        var other: Result<BoxResponse, BoxError>?
        c.start(BoxOperations.usersUpdate.request(f.credentials.adminUserID, body: ["job_title": "x"])) { other = $0 }
        c.engine.shouldInterrupt = { c.engine.pausedUntil > 0 }
        do {
            _ = try c.me()
            Issue.record("the call was not interrupted")
        } catch {
            #expect(error.code == "interrupted")
            #expect(error.status == 0)
        }
        #expect(other?.failureCode == "interrupted")
        #expect(observed == ["users.update interrupted"])
        #expect(c.engine.isIdle)
        #expect(f.log().allSatisfy { $0.status == 429 })
    }

    @Test func virtualClockCompressesRetryAfter() throws {
        var faults = Faults()
        faults.rateLimitEvery = 2
        faults.retryAfter = 5
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let clock = VirtualClock()
        let c = f.client(.accessToken(f.credentials.accessToken), engine: HTTPEngine(clock: clock))
        for _ in 0..<3 { _ = try c.me(fields: "id") }
        let limited = f.statuses("/2.0/users/me").filter { $0 == 429 }.count
        #expect(limited >= 1)
        // Each Retry-After was waited in full, on the virtual clock.
        #expect(clock.sleeps.reduce(0, +) >= Double(limited * 5) - 0.01)
    }
}
