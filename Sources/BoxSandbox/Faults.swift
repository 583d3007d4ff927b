/// Injected failures for tests and benchmarks, parsed from `--faults` text such as
/// `rate_limit_every=5,retry_after=1,latency_ms=20`.
import FoundationEssentials

public struct FaultsError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

public struct Faults: Sendable, Equatable, CustomStringConvertible {
    /// What `GET /2.0/users?usemarker=true` does with `next_marker` on the last page.
    public enum MarkerEnd: String, Sendable, CaseIterable { case omit, null, empty }

    /// Every Nth API request gets 429 `rate_limit_exceeded` (0: never).
    public var rateLimitEvery = 0
    /// The `Retry-After` seconds sent with a 429.
    public var retryAfter = 1
    /// Every Nth API request gets 500 `internal_server_error` (0: never).
    public var serverErrorEvery = 0
    /// Added to every response, per connection.
    public var latencyMilliseconds = 0
    /// Access tokens (the developer token too) expire this many seconds after issue (nil: 3600,
    /// and the developer token never expires).
    public var expireTokensAfter: Int? = nil
    /// 401 responses carry no body, only `WWW-Authenticate`.
    public var emptyUnauthorizedBody = false
    public var markerEnd = MarkerEnd.omit
    /// Every Nth change (an API request other than GET) is made, then answered 502, as when a
    /// proxy loses Box's answer: the client cannot tell whether it was made (0: never).
    public var gatewayErrorAfterChangeEvery = 0
    /// A content transfer answers 200 but the source keeps its content for this many seconds.
    public var transferPendingSeconds = 0

    public init() {}

    public static let keys = [
        "rate_limit_every", "retry_after", "server_error_every", "latency_ms", "expire_tokens_after",
        "empty_401_body", "marker_end", "transfer_pending", "gateway_error_after_change_every",
    ]

    /// Parses `key=value,key=value`; unknown keys and bad values are errors naming them.
    public init(spec: String) throws {
        for item in spec.split(separator: ",").map({ $0.trimmingWhitespace() }) where !item.isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            let key = kv[0]
            guard kv.count == 2 else { throw FaultsError(message: "fault '\(key)' needs a value (\(key)=...)") }
            try set(key, kv[1])
        }
    }

    private mutating func set(_ key: String, _ value: String) throws {
        func count() throws -> Int {
            guard let n = Int(value), n >= 0 else {
                throw FaultsError(message: "fault '\(key)' needs a whole number >= 0, got '\(value)'")
            }
            return n
        }
        switch key {
        case "rate_limit_every": rateLimitEvery = try count()
        case "retry_after": retryAfter = try count()
        case "server_error_every": serverErrorEvery = try count()
        case "latency_ms": latencyMilliseconds = try count()
        case "expire_tokens_after": expireTokensAfter = try count()
        case "transfer_pending": transferPendingSeconds = try count()
        case "gateway_error_after_change_every": gatewayErrorAfterChangeEvery = try count()
        case "empty_401_body":
            guard let b = parseBool(value) else {
                throw FaultsError(message: "fault 'empty_401_body' needs true or false")
            }
            emptyUnauthorizedBody = b
        case "marker_end":
            guard let m = MarkerEnd(rawValue: value) else {
                throw FaultsError(message: "fault 'marker_end' needs omit, null or empty, got '\(value)'")
            }
            markerEnd = m
        default:
            throw FaultsError(message: "unknown fault '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
        }
    }

    public var description: String {
        var parts: [String] = []
        if rateLimitEvery > 0 { parts += ["rate_limit_every=\(rateLimitEvery)", "retry_after=\(retryAfter)"] }
        if serverErrorEvery > 0 { parts.append("server_error_every=\(serverErrorEvery)") }
        if latencyMilliseconds > 0 { parts.append("latency_ms=\(latencyMilliseconds)") }
        if let e = expireTokensAfter { parts.append("expire_tokens_after=\(e)") }
        if emptyUnauthorizedBody { parts.append("empty_401_body=true") }
        if markerEnd != .omit { parts.append("marker_end=\(markerEnd.rawValue)") }
        if transferPendingSeconds > 0 { parts.append("transfer_pending=\(transferPendingSeconds)") }
        if gatewayErrorAfterChangeEvery > 0 {
            parts.append("gateway_error_after_change_every=\(gatewayErrorAfterChangeEvery)")
        }
        return parts.joined(separator: ",")
    }
}

/// Box accepts `true`/`True`/`TRUE` (the Python SDK sends `True`).
func parseBool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "true", "1": return true
    case "false", "0": return false
    default: return nil
    }
}
