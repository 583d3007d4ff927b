/// A one-shot HTTP listener on the loopback redirect URI, for `boxlua login`.
import Glibc
import HTTPServer

/// Listens on 127.0.0.1:PORT for the browser's redirect, while also reading pasted lines
/// from a file descriptor (stdin), whichever comes first.
public final class LoopbackListener {
    public enum Arrival: Equatable, Sendable {
        /// The redirect's request target (`/callback?code=...&state=...`).
        case redirect(String)
        /// A line typed or pasted on the input.
        case pasted(String)
    }

    private let fd: Int32
    public let port: Int
    public let path: String

    /// Binds the host and port of `redirectURI`, which must be loopback http.
    public init(redirectURI: String) throws(ConfigError) {
        let (host, port, path) = try Self.split(redirectURI)
        guard host == "localhost" || host == "127.0.0.1" else {
            throw ConfigError(
                "BOX_REDIRECT_URI must be http://localhost:PORT/... or http://127.0.0.1:PORT/... to be received here (got \(redirectURI))"
            )
        }
        do throws(LoopbackSocketError) {
            fd = try LoopbackSocket.listen(port: UInt16(port), backlog: 8)
        } catch {
            switch error.step {
            case .socket: throw ConfigError("cannot open a socket: \(error.reason)")
            case .listen: throw ConfigError("cannot listen on 127.0.0.1:\(port) for \(redirectURI): \(error.reason)")
            }
        }
        self.port = port
        self.path = path
    }

    deinit { close(fd) }

    /// Waits up to `timeout` seconds for the redirect to `path` or a line on `input`;
    /// nil on timeout or when the input closes with nothing pasted.
    public func wait(input: Int32?, timeout: Double) -> Arrival? {
        var pending: [UInt8] = []
        var inputOpen = input != nil
        let deadline = monotonicNow() + timeout
        while true {
            let left = deadline - monotonicNow()
            guard left > 0 else { return nil }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if inputOpen, let input { fds.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), Int32(min(left, 3600) * 1000)) > 0 else { continue }
            if fds[0].revents != 0, let target = acceptOne() { return .redirect(target) }
            if fds.count > 1, fds[1].revents != 0, let input {
                switch readLine(input, into: &pending) {
                case .line(let l) where !l.isEmpty: return .pasted(l)
                case .closed: inputOpen = false
                default: break
                }
            }
        }
    }

    private enum LineRead { case line(String), partial, closed }

    private func readLine(_ input: Int32, into pending: inout [UInt8]) -> LineRead {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        guard n > 0 else {
            if pending.isEmpty { return .closed }
            defer { pending = [] }
            return .line(String(decoding: pending, as: UTF8.self).trimmingWhitespace())
        }
        pending += buf[0..<n]
        guard let nl = pending.firstIndex(of: 10) else { return .partial }
        let line = String(decoding: pending[..<nl], as: UTF8.self).trimmingWhitespace()
        pending = Array(pending[(nl + 1)...])
        return .line(line)
    }

    /// Reads one request; answers it; returns its target when it is for our path.
    private func acceptOne() -> String? {
        let c = accept(fd, nil, nil)
        guard c >= 0 else { return nil }
        defer { close(c) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while head.count < 65_536, !head.containsHeaderEnd {
            let n = buf.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            head += buf[0..<n]
        }
        let requestLine = String(decoding: head.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let target = requestLine.count >= 2 ? String(requestLine[1]) : ""
        let ours = target.split(separator: "?", maxSplits: 1).first.map(String.init) == path
        respond(c, ours: ours)
        return ours ? target : nil
    }

    private func respond(_ c: Int32, ours: Bool) {
        let body =
            ours
            ? "<!doctype html><title>boxlua</title><p>boxlua received the sign-in. You can close this window.</p>\n"
            : "not found\n"
        let head =
            "HTTP/1.1 \(ours ? "200 OK" : "404 Not Found")\r\nContent-Type: text/html; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array((head + body).utf8)
        bytes.withUnsafeBytes { _ = send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// ("localhost", 3000, "/callback") from `http://localhost:3000/callback`.
    static func split(_ uri: String) throws(ConfigError) -> (String, Int, String) {
        guard uri.hasPrefix("http://") else {
            throw ConfigError("BOX_REDIRECT_URI must be a loopback http:// URI to be received here (got \(uri))")
        }
        let rest = uri.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let path = rest.dropFirst(authority.count).prefix { $0 != "?" }
        let parts = authority.split(separator: ":")
        let port = parts.count == 2 ? Int(parts[1]) : 80
        guard let port, (1...65535).contains(port) else {
            throw ConfigError("BOX_REDIRECT_URI has an invalid port (got \(uri))")
        }
        return (parts.first.map(String.init) ?? "", port, path.isEmpty ? "/" : String(path))
    }
}

extension Array where Element == UInt8 {
    fileprivate var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
            return true
        }
        return false
    }
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
