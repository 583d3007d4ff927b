/// The `--verbose` HTTP trace: one line per try, never a header value or a body.
import Glibc

/// One HTTP try as the trace shows it.
public struct TraceRecord: Sendable {
    public var method: String
    /// The URL with its query; tokens never travel in URLs, so this holds no secret.
    public var url: String
    /// The HTTP status, or nil when the try got no answer.
    public var status: Int?
    /// Why a try got no answer ("connection refused to ...").
    public var failure: String?
    public var duration: Double
    /// 1 for the first try of a call.
    public var attempt: Int
    public var requestID: String?
    /// What happens next, when not simply done: "retry in 2 s (HTTP 429)", "refreshing the token".
    public var next: String?

    /// `GET https://api.box.com/2.0/users/me -> 200 (41 ms, attempt 1, request 0a1b2c)`.
    public var line: String {
        var details = ["\(Int((duration * 1000).rounded())) ms", "attempt \(attempt)"]
        if let requestID { details.append("request \(requestID)") }
        var text =
            "\(method) \(url) -> \(status.map(String.init) ?? "failed: \(failure ?? "no answer")") (\(details.joined(separator: ", ")))"
        if let next { text += "; \(next)" }
        return text
    }
}

public typealias TraceSink = (TraceRecord) -> Void

/// A sink writing `[http] LINE` to stderr.
public func stderrTraceSink() -> TraceSink {
    { record in
        let bytes = Array("[http] \(record.line)\n".utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
