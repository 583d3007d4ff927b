/// A small HTTP/1.1 server on POSIX sockets: loopback only, keep-alive, one thread per
/// connection up to a cap, TCP_NODELAY. Built for the Box sandbox; no package dependency.
/// A request's head is read first and shown to `admit`, which decides whether its body is read
/// at all; bodies, heads, connections and waits are all bounded (`HTTPServerLimits`).
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import FoundationEssentials

public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// What one client may ask of the server. Over a limit: 400, 408, 413, 414, 431 or 503 and
/// a closed connection.
public struct HTTPServerLimits: Sendable {
    /// Connections served at once; the next one is answered 503 and closed.
    public var maxConnections = 256
    /// The request line (method, target with its query, version): beyond it, 414.
    public var maxRequestLineBytes = 8 * 1024
    /// One header field line: beyond it, 431.
    public var maxHeaderLineBytes = 8 * 1024
    /// Header fields in one request: beyond it, 431.
    public var maxHeaderCount = 100
    /// The whole head: beyond it, 431.
    public var maxHeadBytes = 64 * 1024
    /// Any body, whatever `admit` allows: beyond it, 413.
    public var maxBodyBytes = 1 << 20
    /// Body bytes all connections together may hold at once (a chunked body counts as its
    /// cap): a body that would go beyond is answered 503 unread, so memory stays bounded.
    public var maxBufferedBodyBytes = 64 << 20
    /// Seconds from a head's first byte to its blank line: then 408.
    public var headTimeoutSeconds = 10
    /// Seconds for a body to arrive once its head is read: then 408.
    public var bodyTimeoutSeconds = 30
    /// Seconds a keep-alive connection may wait for its next request before it is closed.
    public var idleTimeoutSeconds = 300

    public init() {}
}

/// What to do with a request whose head announces a body (asked before the body is read).
public enum HTTPAdmission: Sendable {
    /// Read its body, at most this many bytes (413 beyond), then call the handler.
    case readBody(maxBytes: Int)
    /// Answer this without reading the body or calling the handler.
    case answer(HTTPResponse)
}

public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    /// Sees each request that announces a body, with the body still unread (empty).
    public typealias Admit = @Sendable (HTTPRequest) -> HTTPAdmission
    /// Renders the server's own refusals (status and a short reason), e.g. in an API's error shape.
    public typealias ErrorResponder = @Sendable (Int, String) -> HTTPResponse

    private let handler: Handler
    private let admit: Admit
    private let errorResponder: ErrorResponder
    public let limits: HTTPServerLimits
    private let lock = ConditionLock()
    private var listener: Int32 = -1
    private var connections: Set<Int32> = []
    private var running = false
    private var threadsAlive = 0
    private var bufferedBodyBytes = 0
    /// How long the accept loop waits after running out of descriptors or memory.
    static let acceptBackoffMilliseconds: Int32 = 50
    /// After refusing a request whose body was not read, this much of it is still read and
    /// dropped, so the refusal is not lost to a reset.
    static let drainBytes = 4 << 20
    static let drainSeconds = 2

    /// The port bound by `start`, 0 before.
    public private(set) var port: UInt16 = 0

    public init(
        limits: HTTPServerLimits = HTTPServerLimits(), admit: Admit? = nil, errorResponder: ErrorResponder? = nil,
        handler: @escaping Handler
    ) {
        self.limits = limits
        self.handler = handler
        let maxBody = limits.maxBodyBytes
        self.admit = admit ?? { _ in .readBody(maxBytes: maxBody) }
        self.errorResponder =
            errorResponder ?? { status, message in HTTPResponse(status: status, text: message + "\n") }
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
        guard spawn({ [self] in acceptLoop(fd) }) else {
            stop()
            throw HTTPServerError(message: "cannot start the server's thread")
        }
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
        do throws(LoopbackSocketError) {
            return try LoopbackSocket.listen(port: port, backlog: 128)
        } catch {
            switch error.step {
            case .socket: throw HTTPServerError(message: "socket: \(error.reason)")
            case .listen: throw HTTPServerError(message: "cannot listen on 127.0.0.1:\(port): \(error.reason)")
            }
        }
    }

    private static func boundPort(_ fd: Int32) -> UInt16 {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// Runs `body` on a thread of its own (counted in `threadsAlive` by the caller); false,
    /// and the count taken back, when no thread could be started.
    private func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        let started = startThread(stackSize: 1 << 20) { [self] in
            body()
            lock.lock()
            threadsAlive -= 1
            lock.broadcast()
            lock.unlock()
        }
        if !started {
            lock.lock()
            threadsAlive -= 1
            lock.broadcast()
            lock.unlock()
        }
        return started
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                let e = errno
                guard isRunning else { return }  // the listener was shut down
                if e == EINTR || e == ECONNABORTED { continue }
                // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): the client waits in
                // the backlog until a connection ends and frees one; back off instead of spinning.
                _ = poll(nil, 0, Self.acceptBackoffMilliseconds)
                continue
            }
            var one: Int32 = 1
            setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            guard running else { lock.unlock(); close(c); return }
            guard connections.count < limits.maxConnections else {
                lock.unlock()
                refuseOverCap(c)
                continue
            }
            connections.insert(c)
            threadsAlive += 1
            lock.unlock()
            guard spawn({ [self] in serve(c) }) else {
                lock.lock()
                connections.remove(c)
                lock.broadcast()
                lock.unlock()
                refuseOverCap(c)
                continue
            }
        }
    }

    /// Answers 503 on a connection beyond the cap, without a thread and without blocking the
    /// accept loop (the answer fits the socket's send buffer; MSG_DONTWAIT if it does not).
    private func refuseOverCap(_ fd: Int32) {
        _ = write(errorResponder(503, "too many connections"), keepAlive: false, fd: fd, flags: Int32(MSG_DONTWAIT))
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }

    /// Answers requests on one connection until the peer or `stop` closes it.
    private func serve(_ fd: Int32) {
        let reader = RequestReader(fd: fd, limits: limits)
        defer {
            lock.lock()
            connections.remove(fd)
            lock.broadcast()
            lock.unlock()
            close(fd)
        }
        while true {
            let head: RequestHead
            do {
                guard let h = try reader.nextHead() else { return }
                head = h
            } catch {
                refuse(error, reader: reader, fd: fd)
                return
            }
            var request = head.request
            // Held until the answer is written: the body lives in `request` until then.
            var reserved = 0
            defer { releaseBody(reserved) }
            // Only a body needs admitting: a request without one costs nothing to read.
            let admission = head.hasBody ? admit(request) : .readBody(maxBytes: limits.maxBodyBytes)
            switch admission {
            case .answer(let response):
                // An unread body leaves the connection unusable for another request.
                let keepAlive = head.keepAlive && !head.hasBody && isRunning
                guard write(response, keepAlive: keepAlive, fd: fd, head: request.method == "HEAD") else { return }
                guard keepAlive else { return lingeringClose(reader, fd: fd) }
                continue
            case .readBody(let maxBytes):
                let cap = min(maxBytes, limits.maxBodyBytes)
                let wanted = Self.bytesToReserve(head.framing, cap: cap)
                guard reserveBody(wanted) else {
                    refuse(
                        RequestError(status: 503, message: "too many request bodies in flight"), reader: reader, fd: fd)
                    return
                }
                reserved = wanted
                do {
                    request.body = try reader.readBody(head, maxBytes: cap)
                } catch {
                    refuse(error, reader: reader, fd: fd)
                    return
                }
            }
            let response = handler(request)
            let keepAlive = head.keepAlive && isRunning
            guard write(response, keepAlive: keepAlive, fd: fd, head: request.method == "HEAD"), keepAlive
            else { return }
        }
    }

    /// What a body may come to: its length (when within the cap: beyond, it is refused unread), or
    /// the cap for a chunked one.
    private static func bytesToReserve(_ framing: BodyFraming, cap: Int) -> Int {
        switch framing {
        case .none: return 0
        case .length(let n): return n <= cap ? n : 0
        case .chunked: return cap
        }
    }

    private func reserveBody(_ n: Int) -> Bool {
        guard n > 0 else { return true }
        lock.lock()
        defer { lock.unlock() }
        guard bufferedBodyBytes + n <= limits.maxBufferedBodyBytes else { return false }
        bufferedBodyBytes += n
        return true
    }

    private func releaseBody(_ n: Int) {
        guard n > 0 else { return }
        lock.lock()
        bufferedBodyBytes -= n
        lock.unlock()
    }

    /// Tells the client why its request was not read (when it can still hear), then closes.
    private func refuse(_ error: any Error, reader: RequestReader, fd: Int32) {
        guard let e = error as? RequestError, e.status > 0 else { return }
        guard write(errorResponder(e.status, e.message), keepAlive: false, fd: fd) else { return }
        lingeringClose(reader, fd: fd)
    }

    /// Ends the sending side, then reads and drops a bounded amount of what the client still
    /// sends, so the answer reaches it before the close (the caller closes the socket).
    private func lingeringClose(_ reader: RequestReader, fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        reader.drain(maxBytes: Self.drainBytes, seconds: Self.drainSeconds)
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func write(_ r: HTTPResponse, keepAlive: Bool, fd: Int32, head: Bool = false, flags: Int32 = 0) -> Bool {
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
        return writeAll(fd, bytes, flags: flags)
    }
}
