/// The authorization-code pieces: the URL, reading a redirect or a pasted code, the listener.
import Foundation
import Testing
@testable import BoxClient

struct LoginFlowTests {
    @Test func authorizeURLCarriesClientRedirectAndState() {
        let c = Configuration(
            profile: "default", environment: ["BOX_BASE_URL": "http://127.0.0.1:4000"], profileValues: [:],
            profileSource: nil)
        #expect(
            OAuthLogin.authorizeURL(configuration: c, clientID: "cid", state: "st8")
                == "http://127.0.0.1:4000/oauth2/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&state=st8"
        )
    }

    @Test func codesFromRedirectsAndPastes() throws {
        #expect(try OAuthLogin.code(from: "/callback?code=abc&state=s1", expectedState: "s1") == "abc")
        #expect(
            try OAuthLogin.code(from: "http://localhost:3000/callback?state=s1&code=a%2Bb\n", expectedState: "s1")
                == "a+b")
        #expect(try OAuthLogin.code(from: "  rawcode  ", expectedState: "s1") == "rawcode")
        #expect(throws: ConfigError.self) {
            try OAuthLogin.code(from: "/callback?code=abc&state=evil", expectedState: "s1")
        }
        #expect(throws: ConfigError("sign-in refused: access_denied: The user denied access")) {
            try OAuthLogin.code(
                from: "/callback?error=access_denied&error_description=The+user+denied+access&state=s1",
                expectedState: "s1")
        }
    }

    @Test func listenerTakesTheRedirectOverHTTP() throws {
        let box = ListenerBox(try LoopbackListener(redirectURI: "http://localhost:\(freePort())/cb"))
        #expect(box.listener.path == "/cb")
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.arrival = box.listener.wait(input: nil, timeout: 20); done.signal()
        }.start()
        let engine = HTTPEngine()
        var status = 0
        var body = ""
        engine.submit(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(box.listener.port)/cb?code=c1&state=s")) {
            r in
            status = (try? r.get().status) ?? -1
            body = (try? String(decoding: r.get().body, as: UTF8.self)) ?? ""
        }
        engine.run { status != 0 }
        done.wait()
        #expect(box.arrival == .redirect("/cb?code=c1&state=s"))
        #expect(status == 200)
        #expect(body.contains("You can close this window"))
    }

    @Test func listenerTakesAPastedLine() throws {
        let real = try LoopbackListener(redirectURI: "http://127.0.0.1:\(freePort())/cb")
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        let line = Array("http://127.0.0.1/cb?code=x&state=y\n".utf8)
        line.withUnsafeBytes { _ = write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        #expect(real.wait(input: fds[0], timeout: 10) == .pasted("http://127.0.0.1/cb?code=x&state=y"))
        close(fds[0])
    }

    @Test func nonLoopbackRedirectIsRefused() {
        #expect(throws: ConfigError.self) { try LoopbackListener(redirectURI: "https://example.com/cb") }
    }
}

/// A port the kernel just handed out (and released), for a listener that needs a fixed one.
func freePort() -> Int {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(s) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            bind(s, p, len)
            return getsockname(s, p, &len)
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

final class ListenerBox: @unchecked Sendable {
    let listener: LoopbackListener
    var arrival: LoopbackListener.Arrival?
    init(_ l: LoopbackListener) { listener = l }
}
