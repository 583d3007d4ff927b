/// What a route returns, and its HTTP form with Box's headers (`box-request-id`,
/// `Retry-After`, `WWW-Authenticate`, `Cache-Control: no-store` on token errors).
import HTTPServer
import JSON

enum Reply {
    case json(Int, JSON)
    /// Pre-serialized JSON (user pages built from cached bytes).
    case rawJSON(Int, [UInt8])
    case empty(Int)
    case html(Int, String)
    case redirect(String)
    case error(BoxErrorReply)
    case oauthError(OAuthError)

    func response(requestID: String, faults: Faults) -> HTTPResponse {
        var r: HTTPResponse
        switch self {
        case .json(let status, let body):
            r = HTTPResponse(status: status, contentType: "application/json", body: body.serializedBytes())
        case .rawJSON(let status, let bytes):
            r = HTTPResponse(status: status, contentType: "application/json", body: bytes)
        case .empty(let status):
            r = HTTPResponse(status: status)
        case .html(let status, let text):
            r = HTTPResponse(status: status, text: text, contentType: "text/html; charset=utf-8")
        case .redirect(let location):
            r = HTTPResponse(status: 302, headers: HTTPHeaders([("Location", location)]))
        case .error(let e):
            r = errorResponse(e, requestID: requestID, faults: faults)
        case .oauthError(let e):
            r = HTTPResponse(status: e.status, contentType: "application/json", body: e.body.serializedBytes())
            r.headers.add("Cache-Control", "no-store")
        }
        r.headers.add("box-request-id", requestID)
        return r
    }

    private func errorResponse(_ e: BoxErrorReply, requestID: String, faults: Faults) -> HTTPResponse {
        var r: HTTPResponse
        if e.status == 401 && faults.emptyUnauthorizedBody {
            r = HTTPResponse(status: 401)
        } else {
            r = HTTPResponse(
                status: e.status, contentType: "application/json", body: e.body(requestID: requestID).serializedBytes())
        }
        if e.status == 401 {
            r.headers.add(
                "WWW-Authenticate",
                "Bearer realm=\"Service\", error=\"invalid_token\", error_description=\"The access token provided is invalid.\""
            )
        }
        for (n, v) in e.headers { r.headers.add(n, v) }
        return r
    }
}
