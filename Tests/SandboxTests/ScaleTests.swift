/// The sandbox at Box's scale and speed (issue 18): `rate_limit=N/min` token buckets,
/// latency jitter, and `--generate`'d enterprises with their LOGIN events.
import Foundation
import HTTPServer
import JSON
import TestSupport
import Testing

@testable import BoxSandbox

@Suite struct RateLimitTests {
    @Test func specParsesRateLimitBurstAndJitter() throws {
        let f = try Faults(spec: "rate_limit=1200/min,burst=20,latency_ms=80,jitter_ms=10")
        #expect(f.rateLimitPerMinute == 1200 && f.rateLimitBurst == 20 && f.rateLimitCapacity == 20)
        #expect(f.latencyMilliseconds == 80 && f.latencyJitterMilliseconds == 10)
        #expect(try Faults(spec: f.description) == f)
        // Without burst: one second's worth of the rate, at least one request.
        #expect(try Faults(spec: "rate_limit=1000/min").rateLimitCapacity == 17)
        #expect(try Faults(spec: "rate_limit=30/min").rateLimitCapacity == 1)
        #expect { try Faults(spec: "rate_limit=10") } throws: { "\($0)".contains("'rate_limit' needs N/min") }
        #expect { try Faults(spec: "rate_limit=0/min") } throws: { "\($0)".contains("'rate_limit' needs N/min") }
        #expect { try Faults(spec: "rate_limit=5/s") } throws: { "\($0)".contains("'rate_limit' needs N/min") }
        #expect { try Faults(spec: "burst=5") } throws: { "\($0)".contains("'burst' needs rate_limit=N/min") }
        #expect { try Faults(spec: "rate_limit=60/min,burst=0") } throws: { "\($0)".contains("'burst' needs") }
        #expect { try Faults(spec: "jitter_ms=x") } throws: { "\($0)".contains("jitter_ms") }
    }

    /// Requests far faster than the limit for 60 s of a simulated clock: the bucket lets
    /// through its burst plus N a minute, and the Retry-After is what it implies.
    @Test func bucketGivesTheDocumentedRate() {
        var bucket = TokenBucket(capacity: 20, perMinute: 1200, now: 0)
        var admitted = 0
        var retryAfters = Set<Int>()
        for ms in 0..<60_000 {
            if let wait = bucket.take(now: Double(ms) / 1000) { retryAfters.insert(wait) } else { admitted += 1 }
        }
        #expect(admitted >= 20 + 1200 - 1 && admitted <= 20 + 1200)
        #expect(retryAfters == [1])  // a token every 50 ms: whole seconds, at least 1
        // A slow limit: 2 a minute leaves 30 s to wait for the next token.
        var slow = TokenBucket(capacity: 1, perMinute: 2, now: 0)
        #expect(slow.take(now: 0) == nil)
        #expect(slow.take(now: 0) == 30)
        #expect(slow.take(now: 20.5) == 10)
        #expect(slow.take(now: 30) == nil)
        // Idle time never fills it past its size.
        var idle = TokenBucket(capacity: 3, perMinute: 60, now: 0)
        #expect((0..<5).map { _ in idle.take(now: 1000) == nil } == [true, true, true, false, false])
    }

    @Test func emptyBucketAnswersBoxs429PerUser() throws {
        let f = try SandboxFixture(faults: try Faults(spec: "rate_limit=1/min,burst=3"))
        let replies = try (0..<5).map { _ in try f.call("GET", "/2.0/users/me") }
        #expect(replies.map(\.status) == [200, 200, 200, 429, 429])
        let limited = replies[3]
        #expect((1...60).contains(Int(limited.headers["Retry-After"] ?? "") ?? 0), "\(limited.headers)")
        #expect(limited.json["type"] == "error" && limited.json["status"] == 429)
        #expect(limited.json["code"] == "rate_limit_exceeded" && limited.json["request_id"] != nil)
        // Another user's bucket is full.
        let other = try f.ccgToken(type: "enterprise")
        #expect(try f.call("GET", "/2.0/users/me", token: other).status == 200)
        #expect(f.sandbox.requestLog.filter { $0.status == 429 }.count == 2)
        // Lifting the limit lets the user through again.
        f.sandbox.faults = Faults()
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
    }

    @Test func jitteredLatencyIsRepeatableAndWithinBounds() throws {
        let faults = try Faults(spec: "latency_ms=80,jitter_ms=20")
        var a = JitteredLatency(), b = JitteredLatency()
        let first = (0..<200).map { _ in a.next(faults) }
        #expect(first == (0..<200).map { _ in b.next(faults) })
        #expect(first.allSatisfy { (60...100).contains($0) } && Set(first).count > 20)
        var plain = JitteredLatency()
        #expect(plain.next(try Faults(spec: "latency_ms=7")) == 7)
        let f = try SandboxFixture(faults: faults)
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
    }
}

@Suite struct GenerateTests {
    @Test func specParsesAndNamesWhatIsWrong() throws {
        let s = try GenerateSpec(spec: "users=100000,events=2000000,days=180")
        #expect(s == GenerateSpec(users: 100_000, events: 2_000_000, days: 180, groups: 8))
        #expect(try GenerateSpec(spec: "users=10,events=0,days=1,groups=0").groups == 0)
        let bad: [(String, String)] = [
            ("users=10,events=5", "'days' is missing"), ("events=5,days=1", "'users' is missing"),
            ("users=10,events=5,days=1,size=3", "unknown key 'size'"), ("users=ten,events=5,days=1", "'users' needs"),
            ("users=10,events=-5,days=1", "'events' needs"), ("users=1,events=5,days=1", "'users' must be from 2"),
            ("users=10,events=5,days=0", "'days' must be from 1"), ("users=10,users=11,events=5,days=1", "twice"),
            ("users=10,events=5,days=1,groups=11", "'groups' must be at most"), ("", "unknown key ''"),
        ]
        for (spec, words) in bad {
            #expect(throws: SandboxSeedError.self, "\(spec)") { try GenerateSpec(spec: spec) }
            do { _ = try GenerateSpec(spec: spec) } catch { #expect("\(error)".contains(words), "\(spec): \(error)") }
        }
    }

    @Test func generatedEnterpriseIsTheSameOnEveryStart() throws {
        let spec = GenerateSpec(users: 3000, events: 50_000, days: 30, groups: 5)
        let today: Int64 = 1_780_000_000
        let a = SandboxSeed.generated(spec, today: today), b = SandboxSeed.generated(spec, today: today)
        #expect(a.users == b.users && a.groups == b.groups && a.memberships == b.memberships)
        #expect(a.users.count == 3000 && a.groups.count == 5 && !a.memberships.isEmpty)
        #expect(Set(a.users.map(\.login)).count == 3000 && Set(a.users.map(\.id)).count == 3000)
        #expect(a.users[0].role == "admin" && a.users[1].login.hasPrefix("AutomationUser_"))
        #expect(Set(a.users.map(\.status)).count == 4 && a.users.contains { $0.role == "coadmin" })
        let logins = try #require(a.generatedLogins), again = try #require(b.generatedLogins)
        #expect(logins == again && logins.count == 50_000 && a.events.isEmpty)
        let all = (0..<logins.count).map(logins.event)
        #expect(all == (0..<again.count).map(again.event))
        #expect(all.map(\.createdAt) == all.map(\.createdAt).sorted())
        let midnight = today - today % 86400
        #expect(all.first!.createdAt >= midnight - 30 * 86400 && all.last!.createdAt < midnight)
        #expect(Set(all.map(\.eventID)).count == all.count && all.allSatisfy { $0.eventType == "LOGIN" })
        // Most people sign in; one in twenty never does.
        let signedIn = Set(all.map(\.userID))
        #expect(signedIn.count > 2500 && signedIn.count < 2900 && !signedIn.contains(a.serviceAccountUserID))
        // Another day moves the window, not the enterprise.
        let tomorrow = SandboxSeed.generated(spec, today: today + 86400)
        #expect(tomorrow.users == a.users && tomorrow.generatedLogins!.event(7).createdAt == all[7].createdAt + 86400)
    }

    /// Box's stream semantics over generated events: 500 a page in time order to an empty
    /// page, and a window read through created_after/created_before holds exactly its events.
    @Test func generatedEventsPageAsAStream() throws {
        let seed = SandboxSeed.generated(GenerateSpec(users: 400, events: 2600, days: 10))
        let f = try SandboxFixture(seed: seed)
        func read(_ query: String) throws -> [JSON] {
            var out: [JSON] = [], position = "0"
            while true {
                let page = try f.call(
                    "GET", "/2.0/events?stream_type=admin_logs&limit=500&stream_position=\(position)\(query)"
                ).json
                let entries = page["entries"]?.arrayValue ?? []
                if entries.isEmpty { return out }
                #expect(entries.count <= 500)
                out += entries
                position = try #require(page["next_stream_position"]?.stringValue)
            }
        }
        let all = try read("")
        #expect(all.count == 2600 && Set(all.map { $0["event_id"]?.stringValue ?? "" }).count == 2600)
        let times = all.map { BoxTime.parse($0["created_at"]?.stringValue ?? "") ?? 0 }
        #expect(times == times.sorted())
        let from = times[700], to = times[1900]
        let window = try read(
            "&event_type=LOGIN&created_after=\(URLEncoding.encode(BoxTime.format(from)))&created_before=\(URLEncoding.encode(BoxTime.format(to)))"
        )
        #expect(window == all.filter { (from...to).contains(BoxTime.parse($0["created_at"]?.stringValue ?? "") ?? 0) })
        // Changes made now come after the generated history.
        #expect(try f.call("DELETE", "/2.0/users/\(seed.users[5].id)?force=true").status == 204)
        let latest = try read("&created_after=\(URLEncoding.encode(BoxTime.format(times.last! + 1)))")
        #expect(latest.map { $0["event_type"] } == ["DELETE_USER"])
    }

    /// Issue 18's size starts without storing its events, and its newest events are found
    /// without reading the rest.
    @Test func fullSizeEnterpriseServesItsNewestEvents() throws {
        let seed = SandboxSeed.generated(GenerateSpec(users: 100_000, events: 2_000_000, days: 180))
        #expect(seed.users.count == 100_000 && seed.events.isEmpty && seed.generatedLogins?.count == 2_000_000)
        let f = try SandboxFixture(seed: seed)
        let logins = try #require(seed.generatedLogins)
        let last = logins.event(logins.count - 1)
        let page = try f.call(
            "GET",
            "/2.0/events?stream_type=admin_logs&limit=500&created_after=\(URLEncoding.encode(BoxTime.format(last.createdAt)))"
        ).json
        #expect(page["entries"]?.arrayValue?.last?["event_id"]?.stringValue == last.eventID)
        #expect(try f.call("GET", "/2.0/users?limit=1").json["total_count"] == 99_999)
    }

    @Test(arguments: [
        (["--generate", "users=10,events=5"], "--generate: 'days' is missing"),
        (
            ["--generate", "users=10,events=5,days=1", "--seed", "x.json"],
            "--seed and --generate cannot be used together"
        ),
        (["--faults", "rate_limit=5"], "--faults: fault 'rate_limit' needs N/min"),
    ])
    func badGenerateExitsWith2AndOneClearLine(args: [String], words: String) throws {
        let r = try boxlua(
            ["sandbox"] + args, environment: ["XDG_STATE_HOME": temporaryDirectoryURL().path], timeout: 30)
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(words), "\(r.stderr)")
    }
}
