/// GET /2.0/events admin_logs over HTTP, and the injected faults.
import BoxSandbox
import Foundation
import HTTPServer
import JSON
import Testing

@Suite struct EventsTests {
    @Test func adminLogsPageChronologicallyToAnEmptyEnd() throws {
        let f = try SandboxFixture()
        var position = "0"
        var times: [Int64] = []
        var ids = Set<String>()
        while true {
            let page = try f.call("GET", "/2.0/events?stream_type=admin_logs&limit=2000&stream_position=\(position)")
                .json
            let entries = page["entries"]?.arrayValue ?? []
            let next = try #require(page["next_stream_position"]?.stringValue)
            #expect(next.count == 19 && Int64(next) != nil)
            #expect(page["chunk_size"]?.intValue == Int64(entries.count))
            if entries.isEmpty { break }
            #expect(entries.count <= 500)
            for e in entries {
                #expect(e["type"] == "event" && e["source"]?["type"] == "user" && e["ip_address"] != nil)
                times.append(BoxTime.parse(e["created_at"]?.stringValue ?? "") ?? 0)
                ids.insert(e["event_id"]?.stringValue ?? "")
            }
            position = next
        }
        #expect(times.count > 5000 && ids.count == times.count)
        #expect(times == times.sorted())
        let now = BoxTime.now()
        #expect(times.first.map { now - $0 > 170 * 86400 && now - $0 < 190 * 86400 } == true)
        #expect(times.last.map { $0 <= now } == true)
    }

    @Test func eventTypeAndDateFiltersAndNow() throws {
        let f = try SandboxFixture()
        let after = BoxTime.now() - 30 * 86400
        let q =
            "/2.0/events?stream_type=admin_logs&event_type=LOGIN,FAILED_LOGIN&limit=500&created_after=\(URLEncoding.encode(BoxTime.format(after)))&created_before=2100-01-01T00:00:00Z"
        let entries = try f.call("GET", q).json["entries"]?.arrayValue ?? []
        #expect(!entries.isEmpty)
        #expect(
            entries.allSatisfy {
                (BoxTime.parse($0["created_at"]?.stringValue ?? "") ?? 0) >= after && $0["event_type"] == "LOGIN"
            })
        #expect(try f.call("GET", "/2.0/events?stream_type=admin_logs&event_type=DELETE_USER").json["entries"] == [])
        let now = try f.call("GET", "/2.0/events?stream_type=admin_logs&stream_position=now").json
        #expect(now["entries"] == [] && now["next_stream_position"]?.stringValue?.count == 19)
        #expect(try f.call("GET", "/2.0/events?stream_type=admin_logs&created_after=yesterday").status == 400)
        #expect(try f.call("GET", "/2.0/events?stream_type=admin_logs&stream_position=12").status == 400)
    }

    @Test func changesAppearInAdminLogs() throws {
        let f = try SandboxFixture()
        let now = try #require(
            try f.call("GET", "/2.0/events?stream_type=admin_logs&stream_position=now").json["next_stream_position"]?
                .stringValue)
        #expect(
            try f.call("POST", "/2.0/users", json: ["name": "Logged", "login": "logged@northwind.example"]).status
                == 201)
        let page = try f.call("GET", "/2.0/events?stream_type=admin_logs&stream_position=\(now)").json
        #expect(page["entries"]?.arrayValue?.map { $0["event_type"] } == ["NEW_USER"])
    }

    @Test func nonAdminsGet403ForAdminLogs() throws {
        let f = try SandboxFixture()
        let u = try f.firstUser {
            $0["role"] == "user" && $0["status"] == "active" && $0["is_platform_access_only"] == false
        }
        let token = try f.ccgToken(type: "user", id: u["id"]?.stringValue)
        #expect(try f.call("GET", "/2.0/events?stream_type=admin_logs", token: token).status == 403)
        #expect(try f.call("GET", "/2.0/events", token: token).status == 200)
    }
}

@Suite struct FaultsTests {
    @Test func specParsesAndRejectsUnknownKeys() throws {
        let f = try Faults(
            spec:
                "rate_limit_every=5,retry_after=2, server_error_every=7,latency_ms=3,expire_tokens_after=60,empty_401_body=true,marker_end=null,transfer_pending=4"
        )
        #expect(f.rateLimitEvery == 5 && f.retryAfter == 2 && f.serverErrorEvery == 7 && f.latencyMilliseconds == 3)
        #expect(
            f.expireTokensAfter == 60 && f.emptyUnauthorizedBody && f.markerEnd == .null
                && f.transferPendingSeconds == 4)
        #expect(try Faults(spec: f.description) == f)
        #expect(try Faults(spec: "") == Faults())
        #expect { try Faults(spec: "rate_limits=3") } throws: { "\($0)".contains("unknown fault 'rate_limits'") }
        #expect { try Faults(spec: "latency_ms=-1") } throws: { "\($0)".contains("latency_ms") }
        #expect { try Faults(spec: "retry_after") } throws: { "\($0)".contains("needs a value") }
        #expect { try Faults(spec: "marker_end=maybe") } throws: { "\($0)".contains("omit, null or empty") }
    }

    @Test func everyNthRequestIsRateLimitedWithRetryAfter() throws {
        let f = try SandboxFixture(faults: try Faults(spec: "rate_limit_every=3,retry_after=7"))
        let statuses = try (0..<6).map { _ in try f.call("GET", "/2.0/users/me") }
        #expect(statuses.map(\.status) == [200, 200, 429, 200, 200, 429])
        #expect(statuses[2].headers["Retry-After"] == "7")
        #expect(statuses[2].json["code"] == "rate_limit_exceeded")
        #expect(try f.ccgToken().isEmpty == false)  // token requests are not counted
    }

    @Test func everyNthRequestIsAServerError() throws {
        let f = try SandboxFixture(faults: try Faults(spec: "server_error_every=2"))
        let r = try (0..<4).map { _ in try f.call("GET", "/2.0/users/me").status }
        #expect(r == [200, 500, 200, 500])
    }

    @Test func latencyStillAnswers() throws {
        let f = try SandboxFixture(faults: try Faults(spec: "latency_ms=5"))
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
    }

    @Test func pendingTransferKeepsTheSourceOwningContent() throws {
        let f = try SandboxFixture(faults: try Faults(spec: "transfer_pending=3600"))
        let owner = try f.firstUser { ($0["space_used"]?.intValue ?? 0) > 0 && $0["role"] == "user" }
        let id = try #require(owner["id"]?.stringValue)
        let r = try f.call(
            "PUT", "/2.0/users/\(id)/folders/0", json: ["owned_by": ["id": .string(f.credentials.adminUserID)]])
        #expect(r.status == 200)
        #expect(try f.call("DELETE", "/2.0/users/\(id)").json["message"] == "User has managed content")
        f.sandbox.faults = Faults()
        #expect(try f.call("DELETE", "/2.0/users/\(id)").status == 400)  // still running until its time is up
    }

    @Test func requestLogRecordsEveryRequest() throws {
        let f = try SandboxFixture()
        _ = try f.call("GET", "/2.0/users?limit=2&fields=id")
        _ = try f.call("DELETE", "/2.0/users/1")
        let log = f.sandbox.requestLog
        #expect(log.map(\.status) == [200, 404])
        #expect(log.first?.query == ["limit": "2", "fields": "id"] && log.last?.method == "DELETE")
        f.sandbox.clearRequestLog()
        #expect(f.sandbox.requestLog.isEmpty)
    }
}

@Suite struct ConcurrencyTests {
    /// Many clients on their own keep-alive connections, reading and writing at once.
    @Test func parallelClientsAllGetAnswers() throws {
        let f = try SandboxFixture(faults: try Faults(spec: "latency_ms=1"))
        let port = f.port, token = f.token
        let lock = NSLock()
        nonisolated(unsafe) var statuses: [Int] = []
        let done = DispatchGroup()
        for worker in 0..<12 {
            done.enter()
            Thread {
                defer { done.leave() }
                guard let c = try? TestConnection(port: port) else { return }
                let auth = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
                for i in 0..<25 {
                    let r =
                        i % 5 == 0
                        ? try? c.request(
                            "POST", "/2.0/users", headers: auth,
                            body: Array(#"{"name":"P","login":"p\#(worker)-\#(i)@northwind.example"}"#.utf8))
                        : try? c.request("GET", "/2.0/users?limit=50&offset=\(i * 10)", headers: auth)
                    lock.lock()
                    statuses.append(r?.status ?? -1)
                    lock.unlock()
                }
            }.start()
        }
        done.wait()
        #expect(statuses.count == 300)
        #expect(statuses.filter { $0 == 201 }.count == 60)
        #expect(statuses.filter { $0 == 200 }.count == 240)
        #expect(f.sandbox.requestLog.count == 300)
        let logins = f.sandbox.stateSnapshot()["users"]?.arrayValue?.compactMap { $0["login"]?.stringValue } ?? []
        #expect(
            logins.filter { $0.hasPrefix("p") && $0.contains("-") && $0.hasSuffix("@northwind.example") }.count == 60)
    }
}
