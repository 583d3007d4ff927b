/// The server's limits over real loopback sockets: every number a request carries is checked
/// before it is used, bodies are read only once the route and token allow it, connections are
/// capped, half-sent heads time out, and running out of descriptors does not stop accepting.
import BoxSandbox
import Foundation
import HTTPServer
import JSON
import Testing

/// An echo server with the default limits.
private func echoServer() throws -> (HTTPServer, UInt16) {
    let server = HTTPServer { req in HTTPResponse(status: 200, text: "body=\(req.body.count)") }
    return (server, try server.start(port: 0))
}

/// Sends `raw`, reads one response; the connection must then be closed by the server.
private func answerAndClose(_ port: UInt16, _ raw: String) throws -> TestResponse {
    let c = try TestConnection(port: port)
    c.sendRaw(Array(raw.utf8))
    let r = try c.readResponse()
    #expect(r.headers["Connection"] == "close")
    #expect(try c.fill() == false)
    return r
}

@Suite struct ServerLimitsTests {
    static let manyHeaders = (0..<200).map { "X-H\($0): v\r\n" }.joined()
    static let longHeader = "X-Long: " + String(repeating: "a", count: 10 * 1024) + "\r\n"
    static let longTarget = "/q?" + String(repeating: "a", count: 10 * 1024)

    @Test(arguments: [
        // The chunk size that trapped on overflow, and one too long to be a number at all.
        ("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc\r\n", 413),
        ("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n7fffffffffffffff\r\nabc\r\n", 413),
        ("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc\r\n", 413),
        ("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n", 400),
        ("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n+3\r\nabc\r\n", 400),
        ("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\nabc\r\n", 413),
        ("POST /c HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\n", 413),
        ("POST /c HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413),
        ("POST /c HTTP/1.1\r\nContent-Length: 2097152\r\n\r\n", 413),
        ("POST /c HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST /c HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("POST /c HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST /c HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("POST /c HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
        ("GET /h HTTP/1.1\r\n\(manyHeaders)\r\n", 431),
        ("GET /h HTTP/1.1\r\n\(longHeader)\r\n", 431),
        ("GET \(longTarget) HTTP/1.1\r\n\r\n", 414),
    ])
    func numbersInARequestAreCheckedBeforeUse(raw: String, status: Int) throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let r = try answerAndClose(port, raw)
        #expect(r.status == status)
        #expect(try http("GET", port, "/still-up").status == 200)
    }

    @Test func repeatedEqualContentLengthsAndSmallChunksAreStillRead() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let c = try TestConnection(port: port)
        c.sendRaw(Array("POST /c HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc".utf8))
        #expect(try c.readResponse().text == "body=3")
        c.sendRaw(Array("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n000003\r\nabc\r\n0\r\n\r\n".utf8))
        #expect(try c.readResponse().text == "body=3")
    }

    @Test func anUnauthenticatedBodyIsAnsweredWithoutBeingRead() throws {
        let f = try SandboxFixture()
        for auth in ["", "Authorization: Bearer not-a-token\r\n"] {
            // 64 MB announced and none sent: the 401 can only come before the body is read.
            let r = try answerAndClose(
                f.port,
                "POST /2.0/users HTTP/1.1\r\n\(auth)Content-Type: application/json\r\nContent-Length: 67108864\r\n\r\n")
            #expect(r.status == 401)
            #expect(r.json["code"]?.stringValue == "unauthorized")
            #expect(r.headers["WWW-Authenticate"] != nil)
        }
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
    }

    @Test func bodiesOverTheirRoutesCapAre413WithBoxsErrorBody() throws {
        let f = try SandboxFixture()
        let big = try answerAndClose(
            f.port,
            "PUT /2.0/users/\(f.credentials.adminUserID) HTTP/1.1\r\nAuthorization: Bearer \(f.token)\r\n"
                + "Content-Length: 2097152\r\n\r\n")
        #expect(big.status == 413)
        #expect(big.json["type"]?.stringValue == "error")
        #expect(big.json["status"]?.intValue == 413)
        // The token endpoint's form body is capped far lower.
        let form = try answerAndClose(
            f.port,
            "POST /oauth2/token HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        )
        #expect(form.status == 413)
        // A chunked body that really is sent is cut off at the cap.
        let c = try TestConnection(port: f.port)
        c.sendRaw(
            Array(
                "POST /2.0/users HTTP/1.1\r\nAuthorization: Bearer \(f.token)\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .utf8))
        let piece = Array("10000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x10000) + Array("\r\n".utf8)
        for _ in 0..<32 { c.sendRaw(piece) }
        #expect(try c.readResponse().status == 413)
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
    }

    @Test func tenClientsSending64MBEachDoNotBalloonTheSandbox() throws {
        let s = try SandboxProcess()
        let body = [UInt8](repeating: 0x61, count: 64 * 1024)
        let done = DispatchGroup()
        for i in 0..<10 {
            done.enter()
            // One thread per client, so all ten send at once.
            Thread { [port = s.port, token = s.token] in
                defer { done.leave() }
                guard let c = try? TestConnection(port: port) else { return }
                let auth = i % 3 == 0 ? "" : "Authorization: Bearer \(token)\r\n"
                let chunked = i % 3 == 2
                let framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: \(64 << 20)"
                c.sendRaw(
                    Array(
                        "POST /2.0/users HTTP/1.1\r\n\(auth)Content-Type: application/json\r\n\(framing)\r\n\r\n".utf8))
                let piece = chunked ? Array("10000\r\n".utf8) + body + Array("\r\n".utf8) : body
                // sendRaw gives up once the server has closed; every piece is tried regardless.
                for _ in 0..<1024 { c.sendRaw(piece) }
                _ = try? c.readResponse()
            }.start()
        }
        done.wait()
        #expect(s.peakResidentBytes > 0)
        #expect(s.peakResidentBytes < 200 << 20, "peak RSS \(s.peakResidentBytes >> 20) MiB")
        #expect(try s.me().status == 200)
    }

    @Test func connectionsBeyondTheCapGet503AndTheCapFreesUp() throws {
        let f = try SandboxFixture()  // holds one connection of its own
        var held: [TestConnection] = []
        for _ in 0..<(HTTPServerLimits().maxConnections - 1) { held.append(try TestConnection(port: f.port)) }
        // Accepted in order, so this one finds every slot taken; it needs to send nothing.
        let over = try TestConnection(port: f.port)
        let r = try over.readResponse()
        #expect(r.status == 503)
        #expect(r.json["code"]?.stringValue == "unavailable")
        #expect(r.headers["Connection"] == "close")
        #expect(try over.fill() == false)
        // The held ones still work, and a freed slot is taken by the next connection.
        #expect(try f.call("GET", "/2.0/users/me").status == 200)
        held.removeLast()
        var status = 0
        let freed = waitUntil {
            status =
                (try? http("GET", f.port, "/2.0/users/me", headers: [("Authorization", "Bearer \(f.token)")]))?.status
                ?? 0
            return status == 200
        }
        #expect(freed, "last status \(status)")
    }

    @Test func aHalfSentHeadIsDroppedAfterTheHeadTimeout() throws {
        let f = try SandboxFixture()
        let c = try TestConnection(port: f.port)
        c.sendRaw(Array("GET /2.0/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
        // The test client gives up after 30 s; the server must answer 408 and close well before.
        let r = try c.readResponse()
        #expect(r.status == 408)
        #expect(try c.fill() == false)
    }

    @Test func acceptingGoesOnAfterRunningOutOfDescriptors() throws {
        let limit = 64
        let s = try SandboxProcess(maxOpenFiles: limit)
        var held: [TestConnection] = []
        for _ in 0..<(limit + 16) { held.append(try TestConnection(port: s.port)) }
        // Every descriptor is in use, so the next accept fails with EMFILE.
        #expect(waitUntil { s.openFileCount >= limit }, "open files \(s.openFileCount)")
        let first = held[0]
        first.sendRaw(Array("GET /2.0/users/me HTTP/1.1\r\nAuthorization: Bearer \(s.token)\r\n\r\n".utf8))
        #expect(try first.readResponse().status == 200)
        held.removeAll()
        #expect(try s.me().status == 200)
    }

    @Test func bodiesHeldAtOnceAreBoundedAcrossConnections() throws {
        var limits = HTTPServerLimits()
        limits.maxBodyBytes = 1000
        limits.maxBufferedBodyBytes = 1500
        let gate = NSCondition()
        nonisolated(unsafe) var holding = false
        nonisolated(unsafe) var released = false
        let server = HTTPServer(limits: limits) { req in
            guard req.path == "/hold" else { return HTTPResponse(status: 200, text: "body=\(req.body.count)") }
            gate.lock()
            defer { gate.unlock() }
            holding = true
            gate.broadcast()
            let deadline = Date().addingTimeInterval(60)
            while !released && gate.wait(until: deadline) {}
            return HTTPResponse(status: 200, text: "held")
        }
        let port = try server.start(port: 0)
        defer { server.stop() }
        let body = [UInt8](repeating: 0x61, count: 1000)
        let a = try TestConnection(port: port)
        a.sendRaw(Array("POST /hold HTTP/1.1\r\nContent-Length: 1000\r\n\r\n".utf8) + body)
        gate.lock()
        let deadline = Date().addingTimeInterval(60)
        while !holding && gate.wait(until: deadline) {}
        gate.unlock()
        #expect(holding)
        // A's 1000 bytes are held by its handler: another 1000 would pass 1500.
        let refused = try answerAndClose(port, "POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n")
        #expect(refused.status == 503)
        #expect(try http("GET", port, "/x").status == 200)
        gate.lock()
        released = true
        gate.broadcast()
        gate.unlock()
        #expect(try a.readResponse().text == "held")
        var status = 0
        let freed = waitUntil {
            status = (try? http("POST", port, "/x", body: body))?.status ?? 0
            return status == 200
        }
        #expect(freed, "last status \(status)")
    }
}
