/// What goes over the wire and what comes back, against a scripted server: headers, bodies,
/// compression, HTTP-date Retry-After, 202 retries, repeated markers, numeric stream positions.
import Foundation
import JSON
import Testing
@testable import BoxClient

struct WireTests {
    func client(_ server: CannedServer) -> BoxClient {
        var s = ClientSettings(baseURL: server.baseURL)
        s.retry.baseInterval = 0.01
        return BoxClient(settings: s, signIn: .accessToken("tok-123"))
    }

    @Test func headersAndBodyAsBoxWantsThem() throws {
        let server = CannedServer([.json(200, #"{"id":"5"}"#)])
        defer { server.stop() }
        let c = client(server)
        var r = BoxOperations.usersUpdate.request(
            "5", query: [("fields", "id")], body: ["status": "inactive", "name": "Zoë"])
        r.asUser = "77"
        r.headers = [("Authorization", "Bearer smuggled"), ("X-Extra", "1")]
        _ = try c.send(r)
        let got = try #require(server.received.first)
        #expect(got.method == "PUT")
        #expect(got.target == "/2.0/users/5?fields=id")
        #expect(got.headers["authorization"] == "Bearer tok-123")
        #expect(got.headers["as-user"] == "77")
        #expect(got.headers["x-extra"] == "1")
        #expect(got.headers["content-type"] == "application/json")
        #expect(got.headers["user-agent"] == "boxlua/\(boxluaVersion)")
        #expect(got.headers["accept-encoding"]?.contains("gzip") == true)
        #expect(got.headers["expect"] == nil)
        #expect(String(decoding: got.body, as: UTF8.self) == #"{"status":"inactive","name":"Zoë"}"#)
    }

    @Test func compressedResponsesAreDecoded() throws {
        let gz = Data(base64Encoded: "H4sIAHyyCmsC/6tWykxRslIyV9JRykvMTQUyozILClJTlGoBsRjwihoAAAA=") ?? Data()
        let server = CannedServer([
            CannedServer.Answer(status: 200, headers: [("Content-Encoding", "gzip")], body: Array(gz))
        ])
        defer { server.stop() }
        #expect(try client(server).getUser("7") == ["id": "7", "name": "Zipped"])
    }

    @Test func retryAfterAsHTTPDateAndAcceptedWithRetryAfter() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let soon = formatter.string(from: Date().addingTimeInterval(1))
        let server = CannedServer([
            .json(
                429, #"{"type":"error","status":429,"code":"rate_limit_exceeded","message":"slow down"}"#,
                [("Retry-After", soon)]),
            .json(202, "{}", [("Retry-After", "0")]),
            .json(200, #"{"id":"me"}"#),
        ])
        defer { server.stop() }
        let c = client(server)
        var next: [String] = []
        c.trace = { if let n = $0.next { next.append(n) } }
        #expect(try c.me() == ["id": "me"])
        #expect(server.received.count == 3)
        #expect(next.count == 2)
        #expect(next[0].hasSuffix("(HTTP 429, all calls paused)"))
        #expect(next[1] == "retry in 0 s (HTTP 202)")
    }

    @Test func aRepeatedMarkerEndsPaging() throws {
        let server = CannedServer([
            .json(200, #"{"entries":[{"id":"1"}],"limit":1,"next_marker":"m1"}"#),
            .json(200, #"{"entries":[{"id":"2"}],"limit":1,"next_marker":"m2"}"#),
            .json(200, #"{"entries":[{"id":"3"}],"limit":1,"next_marker":"m1"}"#),
        ])
        defer { server.stop() }
        let pager = client(server).listUsers(pageSize: 1)
        var ids: [String] = []
        while let page = try pager.next() { ids += page.entries.compactMap { $0["id"]?.stringValue } }
        #expect(ids == ["1", "2", "3"])
        #expect(
            server.received.map(\.target) == [
                "/2.0/users?usemarker=true&limit=1", "/2.0/users?usemarker=true&limit=1&marker=m1",
                "/2.0/users?usemarker=true&limit=1&marker=m2",
            ])
    }

    @Test func numericStreamPositionsStayExactStrings() throws {
        let server = CannedServer([
            .json(200, #"{"chunk_size":1,"next_stream_position":1152922986252290886,"entries":[{"event_id":"a"}]}"#),
            .json(200, #"{"chunk_size":1,"next_stream_position":"1152922986252290999","entries":[{"event_id":"b"}]}"#),
            .json(200, #"{"chunk_size":0,"next_stream_position":0,"entries":[]}"#),
        ])
        defer { server.stop() }
        let pager = client(server).adminLogs(eventTypes: ["LOGIN"])
        var events = 0
        while let page = try pager.next() { events += page.entries.count }
        #expect(events == 2)
        #expect(pager.position == "1152922986252290999")
        #expect(
            server.received.map { $0.target.contains("stream_position=1152922986252290886") } == [false, true, false])
    }
}
