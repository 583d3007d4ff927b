/// A small HTTP/1.1 server on POSIX sockets: loopback only, keep-alive, one thread per
/// connection, TCP_NODELAY. Built for the Box sandbox; no package dependency.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    private let handler: Handler
    private let lock = NSCondition()
    private var listener: Int32 = -1
    private var connections: Set<Int32> = []
    private var running = false
    private var threadsAlive = 0
    static let idleTimeoutSeconds = 300

    /// The port bound by `start`, 0 before.
    public private(set) var port: UInt16 = 0

    public init(handler: @escaping Handler) {
        self.handler = handler
    }

    deinit { stop() }

    /// Binds 127.0.0.1:`port` (0: a free port), listens and starts accepting; returns the bound port.
    @discardableResult
    public func start(port requested: UInt16 = 0) throws -> UInt16 {
        signal(SIGPIPE, SIG_IGN)
        let fd = try Self.listen(port: requested)
        lock.lock()
        listener = fd
        running = true
        port = Self.boundPort(fd)
        threadsAlive += 1
        lock.unlock()
        spawn { [self] in acceptLoop(fd) }
        return port
    }

    /// Closes the listener and every connection, then waits for all threads to end.
    public func stop() {
        lock.lock()
        guard running else { lock.unlock(); return }
        running = false
        shutdown(listener, Int32(SHUT_RDWR))
        for c in connections { shutdown(c, Int32(SHUT_RDWR)) }
        while threadsAlive > 0 { lock.wait() }
        close(listener)
        listener = -1
        lock.unlock()
    }

    /// Waits until no client connection is open: every request a client sent on a
    /// connection it has closed (or a killed process left) has been answered or dropped.
    /// False when `timeout` seconds pass first. Connections not yet accepted are not seen.
    public func waitUntilNoOpenConnections(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while !connections.isEmpty {
            if !lock.wait(until: deadline) { return connections.isEmpty }
        }
        return true
    }

    private static func listen(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(message: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HTTPServerError(message: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        return fd
    }

    private static func boundPort(_ fd: Int32) -> UInt16 {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: addr.sin_port)
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            lock.lock()
            threadsAlive -= 1
            lock.broadcast()
            lock.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // the listener was shut down
            }
            var one: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // A keep-alive connection idle this long is closed, so forgotten clients do not pin threads.
            var idle = timeval(tv_sec: Self.idleTimeoutSeconds, tv_usec: 0)
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &idle, socklen_t(MemoryLayout<timeval>.size))
            lock.lock()
            guard running else { lock.unlock(); close(c); return }
            connections.insert(c)
            threadsAlive += 1
            lock.unlock()
            spawn { [self] in serve(c) }
        }
    }

    /// Answers requests on one connection until the peer or `stop` closes it.
    private func serve(_ fd: Int32) {
        let reader = RequestReader(fd: fd)
        defer {
            lock.lock()
            connections.remove(fd)
            lock.broadcast()
            lock.unlock()
            close(fd)
        }
        while true {
            let next: ReadRequest?
            do {
                next = try reader.next()
            } catch let e as RequestError {
                if e.status > 0 { _ = write(Self.errorResponse(e), keepAlive: false, fd: fd) }
                return
            } catch { return }
            guard let next else { return }
            let response = handler(next.request)
            let keepAlive = next.keepAlive && isRunning
            guard write(response, keepAlive: keepAlive, fd: fd, head: next.request.method == "HEAD"), keepAlive
            else { return }
        }
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private static func errorResponse(_ e: RequestError) -> HTTPResponse {
        HTTPResponse(status: e.status, text: e.message + "\n")
    }

    private func write(_ r: HTTPResponse, keepAlive: Bool, fd: Int32, head: Bool = false) -> Bool {
        var text = "HTTP/1.1 \(r.status) \(HTTPResponse.reason(r.status))\r\n"
        for (name, value) in r.headers {
            let lower = name.lowercased()
            if lower == "content-length" || lower == "connection" || lower == "transfer-encoding" { continue }
            text += "\(name): \(value)\r\n"
        }
        if r.status != 204 && r.status != 304 { text += "Content-Length: \(r.body.count)\r\n" }
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(text.utf8)
        if !head && r.status != 204 && r.status != 304 { bytes += r.body }
        return writeAll(fd, bytes)
    }
}
