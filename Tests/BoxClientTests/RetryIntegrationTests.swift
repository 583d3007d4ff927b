/// Retries over real loopback HTTP: 429 storms, 5xx, 404, refused connections, wait limits.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport
@testable import BoxClient

@Suite(.serialized)
struct RetryIntegrationTests {
    @Test func rateLimitStormIsSurvivedWithRetryAfterHonoured() throws {
        var faults = Faults()
        faults.rateLimitEvery = 3
        faults.retryAfter = 1
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.developer
        let clock = c.engine.clock
        let start = clock.now
        for _ in 0..<8 { _ = try c.me(fields: "id") }
        let elapsed = clock.now - start
        let statuses = f.statuses("/2.0/users/me")
        let limited = statuses.filter { $0 == 429 }.count
        // Every call succeeded; each 429 cost exactly one more request...
        #expect(statuses.filter { $0 == 200 }.count == 8)
        #expect(limited >= 3)
        #expect(statuses.count == 8 + limited)
        // ...and its Retry-After (1 s) was waited out before the retry went out.
        #expect(elapsed >= Double(limited) * 0.99)
        #expect(
            f.traceLines.filter { $0.contains("-> 429") && $0.contains("retry in 1 s (HTTP 429, all calls paused)") }
                .count == limited)
    }

    @Test func serverErrorsAreRetried() throws {
        var faults = Faults()
        faults.serverErrorEvery = 2
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.developer
        for _ in 0..<3 { _ = try c.me(fields: "id") }
        let statuses = f.statuses("/2.0/users/me")
        #expect(statuses.contains(500))
        #expect(statuses.filter { $0 == 200 }.count == 3)
    }

    @Test func persistentServerErrorGivesUpAtMaxAttempts() throws {
        var faults = Faults()
        faults.serverErrorEvery = 1
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.client(.accessToken(f.credentials.accessToken)) { $0.retry.maxAttempts = 4 }
        do {
            _ = try c.me()
            Issue.record("a failing server answered")
        } catch {
            #expect(error.status == 500)
            #expect(error.code == "internal_server_error")
            #expect(error.message.hasSuffix("(gave up after 4 attempts)"))
            #expect(error.requestID != nil)
        }
        #expect(f.statuses("/2.0/users/me") == [500, 500, 500, 500])
    }

    @Test func notFoundIsRaisedAtOnce() throws {
        let f = try ClientSandboxFixture(jwt: false)
        do {
            try f.developer.deleteUser("99999999999")
            Issue.record("deleted a user that does not exist")
        } catch {
            #expect(error.status == 404)
            #expect(error.code == "not_found")
            #expect(error.method == "DELETE")
            #expect(error.description.hasPrefix("box: 404 not_found: "))
            #expect(error.description.contains("(DELETE /2.0/users/99999999999, request "))
        }
        #expect(f.statuses("/2.0/users/99999999999") == [404])
    }

    @Test func refusedConnectionBecomesANetworkError() throws {
        let clock = VirtualClock()
        let engine = HTTPEngine(settings: EngineSettings(connectTimeout: 2, timeout: 5), clock: clock)
        let c = BoxClient(
            settings: ClientSettings(baseURL: "http://127.0.0.1:9"), signIn: .accessToken("t"), engine: engine)
        do {
            _ = try c.me()
            Issue.record("port 9 answered")
        } catch {
            #expect(error.status == 0)
            #expect(error.code == "network_error")
            #expect(error.message == "connection refused to 127.0.0.1:9 (gave up after 3 network failures)")
            #expect(
                error.description
                    == "box: 0 network_error: connection refused to 127.0.0.1:9 (gave up after 3 network failures) (GET /2.0/users/me)"
            )
        }
        // Two backoffs (1 s, then 2 s, ±50%) were waited on the virtual clock: 3 tries in all.
        #expect(clock.sleeps.count >= 2)
        #expect(clock.sleeps.reduce(0, +) >= 1.5 && clock.sleeps.reduce(0, +) <= 4.5)
    }

    @Test func timeoutsAreRetriedOnTheNetworkBudget() throws {
        var faults = Faults()
        faults.latencyMilliseconds = 1500
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let clock = VirtualClock()
        let c = f.client(
            .accessToken(f.credentials.accessToken),
            engine: HTTPEngine(settings: EngineSettings(timeout: 0.3), clock: clock))
        do {
            _ = try c.me()
            Issue.record("a slow server answered within the timeout")
        } catch {
            #expect(error.status == 0)
            #expect(error.code == "network_error")
            #expect(error.message.hasPrefix("timed out talking to 127.0.0.1:"))
            #expect(error.message.hasSuffix("(gave up after 3 network failures)"))
        }
        #expect(clock.sleeps.count == 2)
    }

    @Test func aTimedOutChangeIsNotResent() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let c = f.client(
            .accessToken(f.credentials.accessToken), engine: HTTPEngine(settings: EngineSettings(timeout: 0.3)))
        var faults = Faults()
        faults.latencyMilliseconds = 1000
        f.sandbox.faults = faults
        var heard = 0
        c.sentObserver = { _, _, _ in heard += 1 }
        do {
            _ = try c.updateUser(f.credentials.adminUserID, ["job_title": "Slow"])
            Issue.record("a slow server answered within the timeout")
        } catch {
            #expect(error.code == "network_error")
            #expect(error.message.hasSuffix("(not resent: the change may have reached Box, check before trying again)"))
        }
        // The slow server answers what it received (to a closed connection), then sees the close.
        #expect(f.sandbox.waitForRequests(timeout: 60) { $0.contains { $0.method == "PUT" } })
        #expect(f.sandbox.waitUntilNoOpenConnections(timeout: 60))
        #expect(f.log().filter { $0.method == "PUT" }.count == 1)
        #expect(heard == 1)
        // Nothing else is waiting to resend it.
        #expect(c.engine.isIdle)
    }

    @Test func emptyUnauthorizedBodyStillRefreshes() throws {
        var faults = Faults()
        faults.emptyUnauthorizedBody = true
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.ccg
        _ = try c.me()
        f.revoke(try c.accessToken())
        #expect(try c.me(fields: "id")["id"]?.stringValue == f.credentials.serviceAccountUserID)
        #expect(f.statuses("/2.0/users/me") == [200, 401, 200])
        do {
            _ = try f.client(.accessToken("nope")).me()
        } catch {
            #expect(error.status == 401)
            #expect(error.code == "unauthorized")
            #expect(error.requestID != nil)
        }
    }

    @Test func retryAfterBeyondTheWaitLimitFailsAtOnce() throws {
        var faults = Faults()
        faults.rateLimitEvery = 1
        faults.retryAfter = 30
        let f = try ClientSandboxFixture(faults: faults, jwt: false)
        let c = f.client(.accessToken(f.credentials.accessToken)) { $0.retry.maxWait = 10 }
        do {
            _ = try c.me()
            Issue.record("rate limit ignored")
        } catch {
            #expect(error.status == 429)
            #expect(error.code == "rate_limit_exceeded")
            #expect(error.message.hasSuffix("(waiting 30 s more would pass the 10 s wait limit)"))
        }
        #expect(f.statuses("/2.0/users/me") == [429])
    }

    @Test func keepAliveReusesOneConnection() throws {
        let f = try ClientSandboxFixture(jwt: false)
        let engine = HTTPEngine()
        var connections: [Int] = []
        for _ in 0..<5 {
            var done = false
            engine.submit(
                HTTPRequest(
                    method: "GET", url: f.baseURL + "/2.0/users/me",
                    headers: [("Authorization", "Bearer \(f.credentials.accessToken)")])
            ) { r in
                connections.append((try? r.get().newConnections) ?? -1)
                done = true
            }
            engine.run { done }
        }
        #expect(connections == [1, 0, 0, 0, 0])
    }
}
