/// The one error value every failed Box call produces, HTTP, OAuth or network alike.
import JSON

/// A failed call: Box's status, code and message, where it happened, and Box's request id.
///
/// `description` reads `box: 404 not_found: Not Found (DELETE /2.0/users/42, request 3f2a...)`;
/// a network failure after retries has status 0 and code `network_error`.
public struct BoxError: Error, Sendable, CustomStringConvertible, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var requestID: String?
    public var method: String
    /// The full URL called (query included; never holds a secret: tokens travel in headers
    /// and form bodies).
    public var url: String
    public var contextInfo: JSON?
    public var helpURL: String?

    public init(
        status: Int, code: String, message: String, requestID: String? = nil, method: String = "",
        url: String = "", contextInfo: JSON? = nil, helpURL: String? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.method = method
        self.url = url
        self.contextInfo = contextInfo
        self.helpURL = helpURL
    }

    public var description: String {
        var place: [String] = []
        if !method.isEmpty || !url.isEmpty {
            place.append([method, pathOf(url)].filter { !$0.isEmpty }.joined(separator: " "))
        }
        if let requestID, !requestID.isEmpty { place.append("request \(requestID)") }
        let suffix = place.isEmpty ? "" : " (\(place.joined(separator: ", ")))"
        return "box: \(status) \(code): \(message)\(suffix)"
    }

    /// The error for an HTTP answer that is not a success: Box's ClientError body
    /// (`code`, `message`, `request_id`, `context_info`) or an OAuth body (`error`,
    /// `error_description`); a body that is neither still gives a readable error.
    public static func from(response: BoxResponse, method: String, url: String) -> BoxError {
        let body = (try? response.json())?.objectValue
        let code = body?["code"]?.stringValue ?? body?["error"]?.stringValue ?? defaultCode(response.status)
        var message = body?["message"]?.stringValue ?? body?["error_description"]?.stringValue ?? ""
        if message.isEmpty {
            message = body == nil && !response.body.isEmpty ? response.bodySample : reasonPhrase(response.status)
        }
        let rid = body?["request_id"]?.stringValue ?? response.requestID
        return BoxError(
            status: response.status, code: code, message: message, requestID: rid, method: method, url: url,
            contextInfo: body?["context_info"].flatMap { $0.isNull ? nil : $0 },
            helpURL: body?["help_url"]?.stringValue)
    }

    /// A request that never got an HTTP answer, after its retries.
    public static func network(_ error: TransportError, method: String, url: String) -> BoxError {
        BoxError(status: 0, code: "network_error", message: error.message, method: method, url: url)
    }

    private static func defaultCode(_ status: Int) -> String {
        switch status {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 412: return "precondition_failed"
        case 429: return "rate_limit_exceeded"
        case 500: return "internal_server_error"
        case 502: return "bad_gateway"
        case 503: return "unavailable"
        default: return "http_\(status)"
        }
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "HTTP \(status)"
        }
    }
}

/// `/2.0/users/42` from `https://api.box.com/2.0/users/42?fields=id`.
func pathOf(_ url: String) -> String {
    var rest = Substring(url)
    if let r = rest.firstRange(of: "://") {
        rest = rest[r.upperBound...]
        rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
    }
    return String(rest.prefix { $0 != "?" && $0 != "#" })
}
