/// Numbers a server sends are read, never trusted: an absurd Retry-After, expires_in, page
/// limit or Content-Length is a clean error or an ignored hint, never a trap.
import Foundation
import JSON
import Testing
@testable import BoxClient

struct ServerNumbersTests {
    static let settings: RetrySettings = {
        var s = RetrySettings()
        s.baseInterval = 1
        s.maxWait = 300
        return s
    }()

    func decide429(_ retryAfter: String) -> RetryDecision {
        RetryPolicy.decide(
            .response(status: 429, retryAfter: retryAfter), state: .init(attempts: 1), settings: Self.settings,
            canRefresh: true, jitter: 0.5, wallNow: 1_000_000)
    }

    @Test func anHTTPDateWithAHugeYearIsUnreadable() {
        #expect(parseHTTPDate("Fri, 31 Dec 9999999999999 23:59:59 GMT") == nil)
        #expect(parseHTTPDate("Fri, 31 Dec -9999999999999 23:59:59 GMT") == nil)
        #expect(parseHTTPDate("Fri, 31 Dec 9999 23:59:59 GMT") == 253_402_300_799)
        #expect(parseHTTPDate("Sun, 06 Nov 1994 -1:49:37 GMT") == nil)
        // Unreadable: the usual backoff instead.
        #expect(
            decide429("Fri, 31 Dec 9999999999999 23:59:59 GMT") == .retry(delay: 1, pauseAll: true, reason: "HTTP 429"))
    }

    @Test func absurdRetryAfterSecondsGiveUpOrAreIgnored() {
        #expect(decide429("1e308") == .giveUp(reason: "waiting 1e+308 s more would pass the 300 s wait limit"))
        #expect(
            decide429("99999999999999999999999")
                == .giveUp(reason: "waiting 1e+23 s more would pass the 300 s wait limit"))
        for ignored in ["inf", "-inf", "nan", "-1", "1e-999x", ""] {
            #expect(decide429(ignored) == .retry(delay: 1, pauseAll: true, reason: "HTTP 429"), "\(ignored)")
        }
        #expect(formatSeconds(.infinity) == "inf s")
    }

    @Test func absurdTokenLifetimesAreClamped() throws {
        #expect(tokenLifetime(.double(1e308)) == 31_536_000)
        #expect(tokenLifetime(.int(-5)) == 0)
        #expect(tokenLifetime(.string("3600")) == 3600)
        #expect(tokenLifetime(nil) == 3600)
        #expect(tokenLifetime(.int(Int64.max)) == 31_536_000)
        // A broken expiry saved to disk reads back as a number, not a trap.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "boxlua-numbers-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = TokenStore(path: dir.path + "/t.json")
        try store.save(StoredTokens(accessToken: "a", refreshToken: "r", expiresAt: 1e308))
        #expect(try store.load()?.expiresAt == 1e15)
    }

    func client(_ server: CannedServer) -> BoxClient {
        var s = ClientSettings(baseURL: server.baseURL)
        s.retry.baseInterval = 0.01
        return BoxClient(settings: s, signIn: .accessToken("tok"))
    }

    /// End to end: the real client over loopback survives a Retry-After date of year 9999999999999.
    @Test func aRateLimitWithAnAbsurdDateIsRetriedOverTheWire() throws {
        let server = CannedServer([
            .json(429, "{}", [("Retry-After", "Fri, 31 Dec 9999999999999 23:59:59 GMT")]),
            .json(429, "{}", [("Retry-After", "1e308")]),
        ])
        defer { server.stop() }
        do {
            _ = try client(server).me(fields: "id")
            Issue.record("a 429 succeeded")
        } catch {
            #expect(error.status == 429)
            #expect(error.message.hasSuffix("(waiting 1e+308 s more would pass the 300 s wait limit)"))
        }
        #expect(server.received.count == 2)
    }

    /// A page whose `limit` is Int64.max would overflow the next offset.
    @Test func aPageWithAnAbsurdLimitIsPagedWithTheRequestedOne() throws {
        let server = CannedServer([
            .json(
                200,
                #"{"entries":[{"id":"1"}],"limit":9223372036854775807,"offset":0,"total_count":9223372036854775807}"#),
            .json(200, #"{"entries":[{"id":"2"}],"limit":-3,"offset":1,"total_count":2}"#),
        ])
        defer { server.stop() }
        let pager = BoxPager(
            client: client(server), request: BoxOperations.usersList.request(), mode: .offset(limit: 1))
        var ids: [String] = []
        while let page = try pager.next() { ids += page.entries.compactMap { $0["id"]?.stringValue } }
        #expect(ids == ["1", "2"])
        #expect(server.received.map(\.target).allSatisfy { $0.contains("limit=1") })
        #expect(server.received.last?.target.contains("offset=1") == true)
    }

    /// A Content-Length no body could have (past curl_off_t): libcurl waits for the body that
    /// never comes, and the call fails with one line when its timeout ends; nothing traps.
    @Test func anAbsurdContentLengthIsANetworkError() throws {
        var answer = CannedServer.Answer.json(200, "{}")
        answer.contentLength = "99999999999999999999999"
        let server = CannedServer([answer, answer, answer, answer])
        defer { server.stop() }
        var s = ClientSettings(baseURL: server.baseURL)
        s.retry.maxNetworkRetries = 0
        s.engine.timeout = 1
        do {
            _ = try BoxClient(settings: s, signIn: .accessToken("tok")).me(fields: "id")
            Issue.record("an absurd Content-Length was accepted")
        } catch {
            #expect(error.status == 0)
            #expect(error.code == "network_error")
            #expect(!error.message.isEmpty)
        }
    }
}
