/// A minimal HTTP/1.1 client on POSIX sockets for the tests: real requests over loopback,
/// keep-alive, and raw bytes for malformed-request tests. No redirects are followed.
import Foundation
import HTTPServer
import JSON

struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSON { (try? JSON.parse(body)) ?? .null }
}

struct TestClientError: Error, CustomStringConvertible {
    let description: String
}

final class TestConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard ok == 0 else { close(fd); throw TestClientError(description: "cannot connect to port \(port)") }
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func sendRaw(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> TestResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        sendRaw(Array((head + "\r\n").utf8) + body)
        return try readResponse(method: method)
    }

    /// Reads one response; nil status means the server closed the connection.
    func readResponse(method: String = "GET") throws -> TestResponse {
        let headEnd = try readUntilHeadEnd()
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd)
        let lines = head.split(separator: "\r\n").map(String.init)
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.split(separator: " ")[1])
        else { throw TestClientError(description: "bad status line: \(head)") }
        var headers = HTTPHeaders()
        for l in lines.dropFirst() {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers.add(String(l[..<c]), l[l.index(after: c)...].trimmingCharacters(in: .whitespaces))
        }
        let length = method == "HEAD" ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        while buffer.count < length { guard try fill() else { break } }
        let body = Array(buffer.prefix(length))
        buffer.removeFirst(min(length, buffer.count))
        return TestResponse(status: status, headers: headers, body: body)
    }

    private func readUntilHeadEnd() throws -> Int {
        while true {
            if let r = find([13, 10, 13, 10]) { return r + 4 }
            guard try fill() else { throw TestClientError(description: "connection closed") }
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count)
        where buffer[i] == needle[0] && Array(buffer[i..<i + needle.count]) == needle {
            return i
        }
        return nil
    }

    /// Reads more bytes; false at end of stream.
    func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw TestClientError(description: "read failed (errno \(errno))") }
        buffer += chunk.prefix(n)
        return n > 0
    }
}

/// One request on a fresh connection.
func http(
    _ method: String, _ port: UInt16, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
) throws -> TestResponse {
    try TestConnection(port: port).request(method, target, headers: headers, body: body)
}
