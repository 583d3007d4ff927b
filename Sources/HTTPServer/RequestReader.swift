/// Reads HTTP/1.1 requests off a connected socket: head, Content-Length or chunked body.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a request could not be read; `status` is what the client is told before the
/// connection closes.
struct RequestError: Error {
    let status: Int
    let message: String
}

/// One parsed request plus what the connection must do after answering it.
struct ReadRequest {
    var request: HTTPRequest
    var keepAlive: Bool
}

final class RequestReader {
    static let maxHeadBytes = 64 * 1024
    static let maxBodyBytes = 64 * 1024 * 1024

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    /// The next request, nil when the peer closed the connection between requests.
    func next() throws -> ReadRequest? {
        guard let headEnd = try readHead() else { return nil }
        let head = Array(buffer[start..<headEnd])
        start = headEnd
        var (request, version) = try parseHead(head)
        request.body = try readBody(request.headers)
        let connection = request.headers["Connection"]?.lowercased() ?? ""
        let keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        return ReadRequest(request: request, keepAlive: keepAlive)
    }

    /// Reads until a blank line; returns the index just past it.
    private func readHead() throws -> Int? {
        // Scan progress is kept relative to `start`: `fill` may compact the buffer.
        var scanned = 0
        while true {
            if let end = findHeadEnd(from: start + scanned) { return end }
            scanned = max(0, buffer.count - start - 3)
            if buffer.count - start > Self.maxHeadBytes {
                throw RequestError(status: 431, message: "request head too large")
            }
            if try fill() == 0 {
                if buffer.count > start { throw RequestError(status: 400, message: "incomplete request") }
                return nil
            }
        }
    }

    private func findHeadEnd(from: Int) -> Int? {
        var i = from
        while i + 1 < buffer.count {
            if buffer[i] == 0x0A {
                if buffer[i + 1] == 0x0A { return i + 2 }
                if buffer[i + 1] == 0x0D, i + 2 < buffer.count, buffer[i + 2] == 0x0A { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    private func parseHead(_ head: [UInt8]) throws -> (HTTPRequest, String) {
        // Split bytes, not Characters: Swift reads "\r\n" as one Character.
        var lines = head.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        while lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw RequestError(status: 400, message: "empty request line") }
        let parts = first.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0].allSatisfy({ $0.isLetter && $0.isUppercase }), parts[1].first == "/" else {
            throw RequestError(status: 400, message: "malformed request line")
        }
        let version = String(parts[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw RequestError(status: 505, message: "unsupported HTTP version")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw RequestError(status: 400, message: "malformed header line")
            }
            let name = String(line[..<colon])
            guard !name.contains(" ") else { throw RequestError(status: 400, message: "malformed header name") }
            headers.add(name, line[line.index(after: colon)...].trimmingSpaces())
        }
        return (HTTPRequest(method: String(parts[0]), target: String(parts[1]), headers: headers), version)
    }

    private func readBody(_ headers: HTTPHeaders) throws -> [UInt8] {
        if headers["Expect"]?.lowercased() == "100-continue" {
            _ = writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        if let te = headers["Transfer-Encoding"]?.lowercased(), te != "identity" {
            guard te == "chunked" else { throw RequestError(status: 501, message: "unsupported transfer encoding") }
            return try readChunked()
        }
        guard let lengthText = headers["Content-Length"] else { return [] }
        guard let length = Int(lengthText), length >= 0 else {
            throw RequestError(status: 400, message: "malformed Content-Length")
        }
        guard length <= Self.maxBodyBytes else { throw RequestError(status: 413, message: "body too large") }
        return try take(length)
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16), size >= 0 else {
                throw RequestError(status: 400, message: "malformed chunk size")
            }
            if size == 0 {
                while try !readLine().isEmpty {}  // trailers
                return body
            }
            guard body.count + size <= Self.maxBodyBytes else { throw RequestError(status: 413, message: "body too large") }
            body += try take(size)
            guard try readLine().isEmpty else { throw RequestError(status: 400, message: "malformed chunk") }
        }
    }

    private func readLine() throws -> String {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<nl])
                if line.last == 0x0D { line.removeLast() }
                start = nl + 1
                return String(decoding: line, as: UTF8.self)
            }
            if buffer.count - start > Self.maxHeadBytes { throw RequestError(status: 400, message: "line too long") }
            if try fill() == 0 { throw RequestError(status: 400, message: "incomplete body") }
        }
    }

    private func take(_ n: Int) throws -> [UInt8] {
        while buffer.count - start < n {
            if try fill() == 0 { throw RequestError(status: 400, message: "incomplete body") }
        }
        let out = Array(buffer[start..<start + n])
        start += n
        return out
    }

    /// Reads more bytes from the socket; 0 at end of stream.
    private func fill() throws -> Int {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw RequestError(status: 0, message: "read failed") }
            buffer.append(contentsOf: chunk[0..<n])
            return n
        }
    }
}

/// Writes every byte, retrying short writes; false when the peer is gone.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var sent = 0
    while sent < bytes.count {
        let n = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
        }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        sent += n
    }
    return true
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
