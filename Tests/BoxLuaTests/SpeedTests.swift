/// Issue 18 through the Lua API: sliced event reads equal to sequential ones, listings one page
/// ahead, and box.parallel's adaptive concurrency under Box's kind of rate limit.
import BoxSandbox
import Foundation
import JSON
import LuaHost
import TestSupport
import Testing

@testable import BoxLua

@Suite struct SpeedTests {
    static let seed = SandboxSeed.generated(GenerateSpec(users: 300, events: 12_000, days: 20))

    /// The window's events, one stream request after another, as a script would read them itself.
    static let sequentialRead = """
        local function sequential(query)
          local out, pos = {}, "0"
          query.stream_type, query.limit = "admin_logs", 500
          while true do
            query.stream_position = pos
            local page = box.request("GET", "/2.0/events", {query = query})
            if #page.entries == 0 then return out end
            for _, e in ipairs(page.entries) do out[#out + 1] = e end
            pos = page.next_stream_position
          end
        end

        """

    @Test func adminLogsOverAWindowEqualsTheSequentialRead() throws {
        let h = try BoxHarness(seed: Self.seed)
        let logins = try #require(Self.seed.generatedLogins)
        let from = logins.createdAt(2000), to = logins.createdAt(10_500)
        let result = try h.run(
            Self.sequentialRead + """
                local function ids(list) local t = {} for i, e in ipairs(list) do t[i] = e.event_id end return t end
                local function same(a, b)
                  if #a ~= #b then return false end
                  for i = 1, #a do if a[i] ~= b[i] then return false end end
                  return true
                end
                local counts = {}
                for _, w in ipairs{{created_after = \(from)}, {created_after = \(from), created_before = \(to)},
                                   {event_type = {"LOGIN"}, created_after = \(from - 86400 * 30)}} do
                  local got = {}
                  for e in box.events.admin_logs(w) do got[#got + 1] = e.event_id end
                  local q = {created_after = os.date("!%Y-%m-%dT%H:%M:%SZ", w.created_after),
                             created_before = w.created_before and os.date("!%Y-%m-%dT%H:%M:%SZ", w.created_before),
                             event_type = w.event_type and "LOGIN"}
                  local expected = ids(sequential(q))
                  assert(same(got, expected), "window " .. #counts + 1 .. ": " .. #got .. " vs " .. #expected)
                  counts[#counts + 1] = #got
                end
                return table.concat(counts, ",")
                """)
        #expect(result == .string("10000,8501,12000"))
        // Several slices were requested at once: the log shows created_before bounds.
        #expect(h.sandbox.requestLog.filter { $0.query["created_before"] != nil }.count > 8)
    }

    @Test func lastLoginsEqualsTheSequentialRead() throws {
        let h = try BoxHarness(seed: Self.seed)
        let result = try h.run(
            Self.sequentialRead + """
                local newest = {}
                local after = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 10 * 86400)
                for _, e in ipairs(sequential{event_type = "LOGIN", created_after = after}) do
                  local id = e.created_by.id
                  if newest[id] == nil or e.created_at > newest[id] then newest[id] = e.created_at end
                end
                local got, n = box.last_logins{days = 10}, 0
                for id, at in pairs(newest) do assert(got[id] == at, id) n = n + 1 end
                for id in pairs(got) do assert(newest[id], id) end
                -- The same from box.parallel workers, whose page reads yield (two at once).
                local r = box.parallel({1, 2}, function() return box.last_logins{days = 10} end)
                for _, x in ipairs(r) do
                  assert(x.ok, tostring(x.error))
                  local m = 0
                  for id, at in pairs(x.value) do assert(newest[id] == at, id) m = m + 1 end
                  assert(m == n, m)
                end
                return n
                """)
        #expect((result.integerValue ?? 0) > 250)
    }

    /// A listing asks for the page after the one the loop works on, and no further: `break`
    /// costs one page more than the loop used.
    @Test func listingIsOnePageAheadAndBreakStopsIt() throws {
        let h = try BoxHarness(seed: .demo(extraUsers: 3000))
        h.sandbox.clearRequestLog()
        #expect(
            try h.run("local n = 0 for u in box.users.list{} do n = n + 1 if n == 1500 then break end end return n")
                == 1500)
        #expect(h.sandbox.waitForRequests(timeout: 60) { $0.count >= 3 })
        #expect(h.requests == Array(repeating: "GET /2.0/users", count: 3))
        h.sandbox.clearRequestLog()
        #expect((try h.run("local n = 0 for u in box.users.list{} do n = n + 1 end return n").integerValue ?? 0) > 3300)
        #expect(h.requests.count == 4)
    }

    /// 60 updates, 8 workers, a bucket of 4 refilled at 10 a second: a fixed 8 in flight draws
    /// far more 429s than the adaptive window, which makes every change exactly once.
    @Test func adaptiveConcurrencyDrawsFewer429sThanAFixedOne() throws {
        func run(adaptive: Bool) throws -> (limited: Int, lowest: Int, made: Int) {
            let h = try BoxHarness(faults: try Faults(spec: "rate_limit=600/min,burst=4,latency_ms=20"))
            h.runtime.scheduler.isAdaptive = adaptive
            try h.run(
                """
                ids = {}
                local me = box.request("GET", "/2.0/users/me").id
                for u in box.users.list{} do
                  if #ids < 60 and u.id ~= me and u.status == "active" then ids[#ids + 1] = u.id end
                end
                assert(#ids == 60)
                """)
            h.sandbox.clearRequestLog()
            // A fixed 8 can starve a call past its five tries; each result says so.
            let ok = try h.run(
                """
                local r = box.parallel(ids, function(id) return box.users.update(id, {job_title = "Adaptive"}) end,
                                       {workers = 8})
                local ok = 0
                for _, x in ipairs(r) do if x.ok then ok = ok + 1 end end
                return ok
                """)
            let log = h.sandbox.requestLog
            let made = log.filter { $0.method == "PUT" && $0.status == 200 }.map(\.path)
            #expect(made.count == Int(ok.integerValue ?? -1) && Set(made).count == made.count, "no change twice")
            return (log.filter { $0.status == 429 }.count, h.runtime.scheduler.lowestLimit, made.count)
        }
        let fixed = try run(adaptive: false)
        let adaptive = try run(adaptive: true)
        #expect(adaptive.limited < fixed.limited, "429s: adaptive \(adaptive.limited), fixed \(fixed.limited)")
        #expect(fixed.lowest == 8 && adaptive.lowest < 8)
        #expect(adaptive.made == 60, "every change made once")
    }
}
