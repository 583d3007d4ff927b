/// Reads HTTP/1.1 requests off a connected socket in two steps, head then body, so the server
/// can decide from the head whether the body is worth reading. Every number a request carries
/// is checked against the limits before it is used, and every wait has a deadline.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a request could not be read; `status` is what the client is told before the
/// connection closes (0: nothing, the peer is gone or went quiet between requests).
struct RequestError: Error {
    let status: Int
    let message: String

    static func tooLarge(_ what: String) -> RequestError { RequestError(status: 413, message: "\(what) too large") }
}

/// How the body of a request is framed, from its head.
enum BodyFraming: Equatable {
    case none
    /// Content-Length; `Int.max` when the number has more digits than an Int holds.
    case length(Int)
    case chunked
}

/// One parsed head plus what the connection must do after answering it.
struct RequestHead {
    var request: HTTPRequest
    var keepAlive: Bool
    var framing: BodyFraming

    var hasBody: Bool {
        switch framing {
        case .none, .length(0): return false
        default: return true
        }
    }
}

final class RequestReader {
    /// The longest chunk-size line (size and extensions).
    static let maxChunkLineBytes = 1024

    private let fd: Int32
    private let limits: HTTPServerLimits
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32, limits: HTTPServerLimits) {
        self.fd = fd
        self.limits = limits
    }

    /// The next request's head, nil when the peer closed the connection (or stayed idle past
    /// the idle timeout) between requests.
    func nextHead() throws -> RequestHead? {
        guard let headEnd = try readHead() else { return nil }
        let head = Array(buffer[start..<headEnd])
        start = headEnd
        let (request, version) = try parseHead(head)
        let connection = request.headers["Connection"]?.lowercased() ?? ""
        let keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        return RequestHead(request: request, keepAlive: keepAlive, framing: try Self.framing(request.headers))
    }

    /// Reads the body `head` announces, at most `maxBytes` of it.
    func readBody(_ head: RequestHead, maxBytes: Int) throws -> [UInt8] {
        if case .length(let n) = head.framing, n > maxBytes { throw RequestError.tooLarge("body") }
        let deadline = Deadline(seconds: limits.bodyTimeoutSeconds)
        // Only now, so a client that waits for it never sends a body that would be refused.
        if head.hasBody, head.request.headers["Expect"]?.lowercased() == "100-continue" {
            _ = writeAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        switch head.framing {
        case .none: return []
        case .length(let n): return try take(n, deadline: deadline)
        case .chunked: return try readChunked(maxBytes: maxBytes, deadline: deadline)
        }
    }

    /// Reads and drops what the peer still sends, up to `maxBytes` or `seconds`: closing a socket
    /// with unread bytes resets it, and the reset can destroy the answer before the peer reads it.
    func drain(maxBytes: Int, seconds: Int) {
        let deadline = Deadline(seconds: seconds)
        var dropped = buffer.count - start
        buffer = []
        start = 0
        while dropped < maxBytes, let n = try? fill(deadline: deadline), n > 0 {
            dropped += n
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Reads until a blank line; returns the index just past it.
    private func readHead() throws -> Int? {
        // Until a byte of the request arrives, the connection is idle; from then on the whole
        // head must arrive within the head timeout, however slowly it trickles.
        var deadline = Deadline(seconds: buffer.count > start ? limits.headTimeoutSeconds : limits.idleTimeoutSeconds)
        var started = buffer.count > start
        // Scan progress is kept relative to `start`: `fill` may compact the buffer.
        var scanned = 0
        while true {
            if let end = findHeadEnd(from: start + scanned) { return end }
            scanned = max(0, buffer.count - start - 3)
            try checkHeadSoFar()
            do {
                if try fill(deadline: deadline) == 0 {
                    if buffer.count > start { throw RequestError(status: 400, message: "incomplete request") }
                    return nil
                }
            } catch let e as RequestError where e.status == 408 && !started {
                return nil  // idle between requests: close without a word
            }
            if !started {
                started = true
                deadline = Deadline(seconds: limits.headTimeoutSeconds)
            }
        }
    }

    /// Refuses a head that is already too long before its end arrives.
    private func checkHeadSoFar() throws {
        let pending = buffer.count - start
        let lineEnd = buffer[start...].prefix(limits.maxRequestLineBytes + 2).firstIndex(of: 0x0A)
        if lineEnd == nil && pending > limits.maxRequestLineBytes + 1 {
            throw RequestError(status: 414, message: "request line too long")
        }
        if pending > limits.maxHeadBytes { throw RequestError(status: 431, message: "request head too large") }
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
        let rawLines = head.split(separator: 0x0A, omittingEmptySubsequences: false)
        var lines: [String] = []
        for (i, raw) in rawLines.enumerated() {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if i == 0, line.count > limits.maxRequestLineBytes {
                throw RequestError(status: 414, message: "request line too long")
            }
            if i > 0, line.count > limits.maxHeaderLineBytes {
                throw RequestError(status: 431, message: "header line too long")
            }
            lines.append(String(decoding: line, as: UTF8.self))
        }
        while lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw RequestError(status: 400, message: "empty request line") }
        guard lines.count - 1 <= limits.maxHeaderCount else {
            throw RequestError(status: 431, message: "too many header fields")
        }
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

    /// The body's framing from Transfer-Encoding and Content-Length (RFC 9112 section 6): both
    /// at once, or Content-Lengths that disagree, are refused rather than guessed at.
    static func framing(_ headers: HTTPHeaders) throws -> BodyFraming {
        let codings = headers.values("Transfer-Encoding").flatMap(listItems).map { $0.lowercased() }
            .filter { $0 != "identity" }
        let lengths = headers.values("Content-Length").flatMap(listItems)
        if !codings.isEmpty {
            guard codings == ["chunked"] else {
                throw RequestError(status: 501, message: "unsupported transfer encoding")
            }
            guard headers["Content-Length"] == nil else {
                throw RequestError(status: 400, message: "both Content-Length and Transfer-Encoding")
            }
            return .chunked
        }
        guard !lengths.isEmpty else {
            if headers["Content-Length"] != nil { throw RequestError(status: 400, message: "malformed Content-Length") }
            return .none
        }
        let values = try lengths.map(decimal)
        guard values.allSatisfy({ $0 == values[0] }) else {
            throw RequestError(status: 400, message: "conflicting Content-Length values")
        }
        return .length(values[0])
    }

    /// A Content-Length: ASCII digits only; `Int.max` when too long for an Int.
    private static func decimal(_ text: String) throws -> Int {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw RequestError(status: 400, message: "malformed Content-Length")
        }
        let significant = digits.drop { $0 == 0x30 }
        guard significant.count <= 18 else { return Int.max }
        return significant.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func listItems(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    private func readChunked(maxBytes: Int, deadline: Deadline) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine(maxBytes: Self.maxChunkLineBytes, deadline: deadline)
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let size = try Self.chunkSize(sizeText.trimmingSpaces())
            if size == 0 {
                try readTrailers(deadline: deadline)
                return body
            }
            // Compared by subtraction: `body.count + size` could overflow.
            guard size <= maxBytes - body.count else { throw RequestError.tooLarge("body") }
            body += try take(size, deadline: deadline)
            guard try readLine(maxBytes: Self.maxChunkLineBytes, deadline: deadline).isEmpty else {
                throw RequestError(status: 400, message: "malformed chunk")
            }
        }
    }

    /// A chunk size: hex digits only; above 15 significant digits it is larger than any cap.
    static func chunkSize(_ text: String) throws -> Int {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.allSatisfy({ hexValue($0) != nil }) else {
            throw RequestError(status: 400, message: "malformed chunk size")
        }
        let significant = digits.drop { $0 == 0x30 }
        guard significant.count <= 15 else { throw RequestError.tooLarge("chunk") }
        return significant.reduce(0) { $0 << 4 | Int(hexValue($1) ?? 0) }
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    /// Trailer fields are read and dropped, within the head's limits.
    private func readTrailers(deadline: Deadline) throws {
        var count = 0
        while try !readLine(maxBytes: limits.maxHeaderLineBytes, deadline: deadline).isEmpty {
            count += 1
            guard count <= limits.maxHeaderCount else {
                throw RequestError(status: 431, message: "too many trailer fields")
            }
        }
    }

    private func readLine(maxBytes: Int, deadline: Deadline) throws -> String {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var line = Array(buffer[start..<nl])
                if line.last == 0x0D { line.removeLast() }
                guard line.count <= maxBytes else { throw RequestError(status: 400, message: "line too long") }
                start = nl + 1
                return String(decoding: line, as: UTF8.self)
            }
            if buffer.count - start > maxBytes + 1 { throw RequestError(status: 400, message: "line too long") }
            if try fill(deadline: deadline) == 0 { throw RequestError(status: 400, message: "incomplete body") }
        }
    }

    private func take(_ n: Int, deadline: Deadline) throws -> [UInt8] {
        while buffer.count - start < n {
            if try fill(deadline: deadline) == 0 { throw RequestError(status: 400, message: "incomplete body") }
        }
        let out = Array(buffer[start..<start + n])
        start += n
        return out
    }

    /// Reads more bytes from the socket; 0 at end of stream; a 408 error past `deadline`.
    private func fill(deadline: Deadline) throws -> Int {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, deadline.remainingMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw RequestError(status: 0, message: "poll failed") }
            if ready == 0 { throw RequestError(status: 408, message: "request timed out") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n < 0 { throw RequestError(status: 0, message: "read failed") }
            buffer.append(contentsOf: chunk[0..<n])
            return n
        }
    }
}

/// A point in monotonic time some seconds from now.
struct Deadline {
    private let end: Int64

    init(seconds: Int) { end = Self.nowMilliseconds() + Int64(seconds) * 1000 }

    /// For poll(2): at least 0, at most Int32.max.
    var remainingMilliseconds: Int32 {
        Int32(clamping: max(0, end - Self.nowMilliseconds()))
    }

    private static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Writes every byte, retrying short writes; false when the peer is gone.
func writeAll(_ fd: Int32, _ bytes: [UInt8], flags: Int32 = 0) -> Bool {
    var sent = 0
    while sent < bytes.count {
        let n = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return send(fd, base + sent, raw.count - sent, Int32(MSG_NOSIGNAL) | flags)
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
