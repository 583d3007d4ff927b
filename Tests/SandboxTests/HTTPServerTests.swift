/// The HTTP/1.1 server over real loopback sockets: keep-alive, close, bodies, query
/// decoding, malformed requests, parallel connections, clean shutdown.
import Foundation
import HTTPServer
import Testing

/// Echoes what the server parsed, as `key=value` lines.
private func echoServer() throws -> (HTTPServer, UInt16) {
    let server = HTTPServer { req in
        var lines = ["method=\(req.method)", "path=\(req.path)", "body=\(req.bodyText)"]
        for (n, v) in req.queryItems { lines.append("q:\(n)=\(v)") }
        lines.append("x-test=\(req.headers["X-TEST"] ?? "-")")
        return HTTPResponse(status: 200, text: lines.joined(separator: "\n"))
    }
    let port = try server.start(port: 0)
    return (server, port)
}

@Suite struct HTTPServerTests {
    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let c = try TestConnection(port: port)
        for i in 0..<50 {
            let r = try c.request("GET", "/n/\(i)")
            #expect(r.status == 200)
            #expect(r.text.contains("path=/n/\(i)"))
            #expect(r.headers["Connection"] == "keep-alive")
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let c = try TestConnection(port: port)
        let r = try c.request("GET", "/", headers: [("Connection", "close")])
        #expect(r.headers["Connection"] == "close")
        #expect(try c.fill() == false)  // the server closed its end
    }

    @Test func queryAndPathAreDecodedAndHeadersAreCaseInsensitive() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let r = try http("GET", port, "/a%20b?filter_term=J%C3%BCrgen+M&empty&x=1%2B2", headers: [("x-Test", "yes")])
        #expect(r.text.contains("path=/a b"))
        #expect(r.text.contains("q:filter_term=Jürgen M"))
        #expect(r.text.contains("q:empty="))
        #expect(r.text.contains("q:x=1+2"))
        #expect(r.text.contains("x-test=yes"))
    }

    @Test func contentLengthAndChunkedBodiesAreRead() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let c = try TestConnection(port: port)
        #expect(try c.request("POST", "/", body: Array("hello".utf8)).text.contains("body=hello"))
        c.sendRaw(
            Array("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n".utf8)
        )
        let r = try c.readResponse()
        #expect(r.text.contains("body=abcdefg"))
        #expect(try c.request("GET", "/after").text.contains("path=/after"))
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /x HTTP/9.9\r\n\r\n", "GET /x HTTP/1.1\r\nNoColonHere\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
        "get /lower HTTP/1.1\r\n\r\n",
    ])
    func malformedRequestsGetAnErrorStatusNotACrash(raw: String) throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let c = try TestConnection(port: port)
        c.sendRaw(Array(raw.utf8))
        let r = try c.readResponse()
        #expect((400...505).contains(r.status))
        #expect(try http("GET", port, "/still-up").status == 200)
    }

    @Test func parallelConnectionsAreServedAtTheSameTime() throws {
        // Each handler waits until all 8 requests are inside the server: serialized handling
        // would never get there and the requests would fail instead.
        let arrived = NSCondition()
        nonisolated(unsafe) var inside = 0
        let server = HTTPServer { _ in
            arrived.lock()
            defer { arrived.unlock() }
            inside += 1
            arrived.broadcast()
            let deadline = Date().addingTimeInterval(20)
            while inside < 8 && arrived.wait(until: deadline) {}
            return HTTPResponse(status: inside >= 8 ? 200 : 503)
        }
        let port = try server.start(port: 0)
        defer { server.stop() }
        let statuses = NSLock()
        nonisolated(unsafe) var seen: [Int] = []
        // One thread per client: concurrentPerform would run only as many as there are cores.
        let done = DispatchGroup()
        for _ in 0..<8 {
            done.enter()
            Thread {
                let s = (try? http("GET", port, "/wait").status) ?? -1
                statuses.lock()
                seen.append(s)
                statuses.unlock()
                done.leave()
            }.start()
        }
        done.wait()
        #expect(seen == Array(repeating: 200, count: 8))
    }

    @Test func stopClosesOpenConnectionsAndTheListener() throws {
        let (server, port) = try echoServer()
        let c = try TestConnection(port: port)
        #expect(try c.request("GET", "/").status == 200)
        server.stop()
        #expect(try c.fill() == false)
        #expect(throws: (any Error).self) { try http("GET", port, "/") }
    }

    @Test func portZeroBindsAFreePortOnLoopback() throws {
        let (a, pa) = try echoServer()
        let (b, pb) = try echoServer()
        defer { a.stop(); b.stop() }
        #expect(pa != 0 && pb != 0 && pa != pb)
        let busy = HTTPServer { _ in HTTPResponse(status: 200) }
        #expect(throws: HTTPServerError.self) { try busy.start(port: pa) }
    }
}
