/// A loopback HTTP/1.1 server that answers with scripted responses and records what it got,
/// for wire details the sandbox has no reason to produce (gzip, HTTP dates, repeated markers).
import Foundation

final class CannedServer: @unchecked Sendable {
    struct Received: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: [UInt8]
    }

    struct Answer: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// Read the request, record it, then close the connection without answering:
        /// a server (or proxy) that dies after the request arrived.
        var cut = false
        /// Sent as the Content-Length header instead of the body's real length.
        var contentLength: String?

        /// Records the request, then drops the connection unanswered.
        static let cutOff = Answer(status: 0, cut: true)

        static func json(_ status: Int, _ text: String, _ headers: [(String, String)] = []) -> Answer {
            Answer(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
        }
    }

    private let lock = NSLock()
    private var answers: [Answer]
    private var got: [Received] = []
    private let fd: Int32
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(_ answers: [Answer]) {
        self.answers = answers
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, len)
                return getsockname(fd, p, &len)
            }
        }
        listen(fd, 16)
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Closes the listener; its accept loop ends (connections end with their clients).
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    var received: [Received] { lock.withLock { got } }

    private func acceptLoop() {
        while true {
            let c = accept(fd, nil, nil)
            guard c >= 0 else { return }
            Thread { [self] in serve(c) }.start()
        }
    }

    private func serve(_ c: Int32) {
        defer { close(c) }
        var buffer: [UInt8] = []
        while let request = readRequest(c, &buffer) {
            let answer = lock.withLock { () -> Answer in
                got.append(request)
                return answers.isEmpty ? .json(500, "{}") : answers.removeFirst()
            }
            if answer.cut { return }
            var head =
                "HTTP/1.1 \(answer.status) X\r\nContent-Length: \(answer.contentLength ?? String(answer.body.count))\r\n"
            for (k, v) in answer.headers { head += "\(k): \(v)\r\n" }
            let bytes = Array((head + "\r\n").utf8) + answer.body
            _ = bytes.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    private func readRequest(_ c: Int32, _ buffer: inout [UInt8]) -> Received? {
        let end: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if let r = buffer.indices.first(where: { buffer[$0...].starts(with: end) }) { headEnd = r; break }
            guard fill(c, &buffer) else { return nil }
        }
        guard let h = headEnd else { return nil }
        let lines = String(decoding: buffer[..<h], as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ").map(String.init)
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < h + 4 + length { guard fill(c, &buffer) else { return nil } }
        let body = Array(buffer[(h + 4)..<(h + 4 + length)])
        buffer.removeFirst(h + 4 + length)
        return Received(
            method: first.first ?? "", target: first.count > 1 ? first[1] : "", headers: headers, body: body)
    }

    private func fill(_ c: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += chunk[0..<n]
        return true
    }
}
