/// Plain HTTP requests, responses and transport failures as the engine sees them.

/// One HTTP exchange to perform: nothing Box-specific, nothing decoded.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header lines in order; names as written (HTTP names are case-insensitive).
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Whole-request timeout in seconds; nil uses the engine's setting.
    public var timeout: Double?

    public init(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeout: Double? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// What came back: status, headers (names lower-cased), body bytes and timings.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Seconds from the transfer's start to its end.
    public var duration: Double
    /// Connections curl had to open for this transfer (0 when one was reused).
    public var newConnections: Int

    public init(status: Int, headers: [(String, String)], body: [UInt8], duration: Double = 0, newConnections: Int = 0)
    {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
        self.newConnections = newConnections
    }

    /// The first header of that name, case-insensitively.
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.0 == n }?.1
    }
}

/// A request that got no HTTP response: refused, reset, timed out, TLS failure...
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// The CURLcode, kept for classification.
    public var curlCode: Int
    /// One line naming the cause and the peer, e.g. "connection refused to 127.0.0.1:9".
    public var message: String
    /// Whether trying again could help (refused, reset, timeout), as opposed to a bad URL
    /// or a certificate that does not verify.
    public var retriable: Bool
    /// Whether the request may have reached the server before the failure: false only
    /// when no connection was made (refused, unresolved, TLS handshake failed).
    public var mayHaveArrived: Bool
    public var duration: Double

    public init(curlCode: Int, message: String, retriable: Bool, mayHaveArrived: Bool = true, duration: Double = 0) {
        self.curlCode = curlCode
        self.message = message
        self.retriable = retriable
        self.mayHaveArrived = mayHaveArrived
        self.duration = duration
    }

    public var description: String { message }
}

/// The engine's connection and timing settings.
public struct EngineSettings: Sendable {
    /// Seconds to establish a connection (TCP + TLS).
    public var connectTimeout: Double = 10
    /// Seconds for a whole request unless the request says otherwise.
    public var timeout: Double = 60
    public var userAgent: String = "boxlua"

    public init(connectTimeout: Double = 10, timeout: Double = 60, userAgent: String = "boxlua") {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.userAgent = userAgent
    }
}
