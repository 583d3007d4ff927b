/// One transfer on a curl easy handle: options in, status, headers and body out.
import CCurl

/// Holds everything curl points into while a transfer runs (header list, error buffer,
/// response buffers), so no pointer handed to C outlives its Swift owner.
final class Transfer {
    let id: Int
    let request: HTTPRequest
    let completion: (Result<HTTPResponse, TransportError>) -> Void
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var startedAt = 0.0
    var body: [UInt8] = []
    var headers: [(String, String)] = []

    init(id: Int, request: HTTPRequest, completion: @escaping (Result<HTTPResponse, TransportError>) -> Void) {
        self.id = id
        self.request = request
        self.completion = completion
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        release()
        // The easy handle was reset (or cleaned up) before this transfer went away,
        // so curl no longer points into the buffer.
        errorBuffer.deallocate()
    }

    /// Frees what curl may still point to; safe to call twice.
    func release() {
        if let headerList { ccurl_slist_free_all(headerList) }
        headerList = nil
    }

    /// Sets every option for this request on `easy` (a fresh or reset handle).
    func configure(_ easy: UnsafeMutableRawPointer, settings: EngineSettings, startedAt: Double) {
        self.startedAt = startedAt
        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_setopt_ptr(easy, CURLOPT_URL, request.url)
        ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_ptr(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_setopt_ptr(easy, CURLOPT_ACCEPT_ENCODING, "")
        ccurl_setopt_ptr(easy, CURLOPT_USERAGENT, settings.userAgent)
        ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int((request.timeout ?? settings.timeout) * 1000))
        ccurl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION, writeBody)
        ccurl_setopt_ptr(easy, CURLOPT_WRITEDATA, me)
        ccurl_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION, writeHeader)
        ccurl_setopt_ptr(easy, CURLOPT_HEADERDATA, me)
        setMethodAndBody(easy)
        // libcurl silently sends a request again on a fresh connection when a reused one
        // dies before any answer byte ("Connection died, retrying a fresh connect":
        // Curl_retry_request in lib/transfer.c, taken only when conn->bits.reuse). A change
        // must never be sent twice behind the retry policy's back, so it gets a new connection.
        if !isIdempotentRead { ccurl_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1) }
        // "Expect:" turns off 100-continue, which costs a round trip on every POST/PUT.
        for line in request.headers.map({ "\($0.0): \($0.1)" }) + ["Expect:"] {
            headerList = ccurl_slist_append(headerList, line)
        }
        ccurl_setopt_ptr(easy, CURLOPT_HTTPHEADER, headerList)
    }

    /// GET and HEAD: sending them twice changes nothing.
    private var isIdempotentRead: Bool {
        let method = request.method.uppercased()
        return method == "GET" || method == "HEAD"
    }

    private func setMethodAndBody(_ easy: UnsafeMutableRawPointer) {
        let method = request.method.uppercased()
        if method == "GET" && request.body == nil {
            ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1)
            return
        }
        if method == "HEAD" { ccurl_setopt_long(easy, CURLOPT_NOBODY, 1) }
        if let body = request.body {
            ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            // COPYPOSTFIELDS: curl keeps its own copy, so the Swift array may go away.
            if body.isEmpty {
                ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                body.withUnsafeBytes { _ = ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            }
        } else if method == "POST" {
            ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            ccurl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, "")
        }
        if method != "POST" { ccurl_setopt_ptr(easy, CURLOPT_CUSTOMREQUEST, method) }
    }

    /// The response, or the transport failure, once curl reports the transfer done.
    func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode, endedAt: Double) -> Result<
        HTTPResponse, TransportError
    > {
        defer { release() }
        let duration = endedAt - startedAt
        guard code == CURLE_OK else {
            return .failure(describeFailure(code, easy: easy, duration: duration))
        }
        var status = 0
        ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var connects = 0
        ccurl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        return .success(
            HTTPResponse(status: status, headers: headers, body: body, duration: duration, newConnections: connects))
    }

    private func describeFailure(_ code: CURLcode, easy: UnsafeMutableRawPointer, duration: Double) -> TransportError {
        let detail = String(cString: errorBuffer)
        let reason = detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail
        let peer = hostAndPort(of: request.url)
        let message: String
        var retriable = true
        var connected = true
        switch code {
        case CURLE_COULDNT_CONNECT:
            message = "connection refused to \(peer)"
            connected = false
        case CURLE_OPERATION_TIMEDOUT: message = "timed out talking to \(peer) (\(reason))"
        case CURLE_COULDNT_RESOLVE_HOST:
            message = "cannot resolve host \(peer)"
            connected = false
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            message = "connection reset by \(peer) (\(reason))"
        case CURLE_SSL_CONNECT_ERROR:
            message = "TLS handshake with \(peer) failed (\(reason))"
            connected = false
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            message = "TLS certificate of \(peer) does not verify (\(reason))"
            retriable = false
            connected = false
        default:
            message = "\(reason) (\(peer))"
            retriable = false
        }
        return TransportError(
            curlCode: Int(code.rawValue), message: message, retriable: retriable,
            mayHaveArrived: connected, duration: duration)
    }
}

/// "host:port" of a URL, for messages; the default port when the URL names none.
func hostAndPort(of url: String) -> String {
    var rest = Substring(url)
    var port = "443"
    if let r = rest.firstRange(of: "://") {
        if rest[..<r.lowerBound].lowercased() == "http" { port = "80" }
        rest = rest[r.upperBound...]
    }
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
    if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
        let after = hostPort[hostPort.index(after: close)...]
        return after.hasPrefix(":") ? hostPort : "\(hostPort):\(port)"
    }
    return hostPort.contains(":") ? hostPort : "\(hostPort):\(port)"
}

private let writeBody: ccurl_data_cb = { ptr, size, count, userdata in
    let n = size * count
    guard let ptr, let userdata else { return n }
    let t = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    t.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

/// One header line per call; a status line starts a new header block (after a 100 or a redirect).
private let writeHeader: ccurl_data_cb = { ptr, size, count, userdata in
    let n = size * count
    guard let ptr, let userdata else { return n }
    let t = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        t.headers = []
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingWhitespace()
        t.headers.append((name, value))
    }
    return n
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingWhitespace() -> String {
        let ws: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        guard let first = firstIndex(where: { !ws.contains($0) }) else { return "" }
        let last = lastIndex { !ws.contains($0) } ?? first
        return String(self[first...last])
    }
}
