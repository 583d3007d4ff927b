/// Errors a route raises, rendered in Box's shapes: `ClientError` for the API,
/// `{"error","error_description"}` for the OAuth endpoints.
import JSON

/// The error reply a sandbox route sends (not BoxClient's `BoxError`, which a client receives):
/// status, Box error code, message and optional `context_info`.
struct BoxErrorReply: Error {
    var status: Int
    var code: String
    var message: String
    var contextInfo: JSON? = nil
    var headers: [(String, String)] = []

    static let helpURL = "http://developers.box.com/docs/#errors"

    static func notFound() -> BoxErrorReply { BoxErrorReply(status: 404, code: "not_found", message: "Not Found") }

    static func forbidden() -> BoxErrorReply {
        BoxErrorReply(
            status: 403, code: "access_denied_insufficient_permissions",
            message: "Access denied - insufficient permission")
    }

    static func unauthorized() -> BoxErrorReply {
        BoxErrorReply(status: 401, code: "unauthorized", message: "Unauthorized")
    }

    /// 400 bad_request naming one invalid (or missing) parameter, as Box's validation errors do.
    static func invalidParameter(_ name: String, _ message: String, reason: String = "invalid_parameter")
        -> BoxErrorReply
    {
        let info: JSON = ["errors": [["reason": .string(reason), "name": .string(name), "message": .string(message)]]]
        return BoxErrorReply(status: 400, code: "bad_request", message: "Bad Request", contextInfo: info)
    }

    /// 409 `conflict`: the parameter whose value is already taken, in context_info as Box
    /// names it (the same shape as `invalidParameter`'s).
    static func conflict(_ message: String, parameter name: String, detail: String) -> BoxErrorReply {
        let info: JSON = [
            "errors": [["reason": "invalid_parameter", "name": .string(name), "message": .string(detail)]]
        ]
        return BoxErrorReply(status: 409, code: "conflict", message: message, contextInfo: info)
    }

    static func badRequest(_ message: String) -> BoxErrorReply {
        BoxErrorReply(status: 400, code: "bad_request", message: message)
    }

    func body(requestID: String) -> JSON {
        var o = JSONObject()
        o["type"] = "error"
        o["status"] = .int(Int64(status))
        o["code"] = .string(code)
        if let contextInfo { o["context_info"] = contextInfo }
        o["help_url"] = .string(Self.helpURL)
        o["message"] = .string(message)
        o["request_id"] = .string(requestID)
        return .object(o)
    }
}

/// A failure of `/oauth2/token` or `/oauth2/revoke`.
struct OAuthError: Error {
    var status = 400
    var error: String
    var description: String

    static func invalidGrant(_ d: String) -> OAuthError { OAuthError(error: "invalid_grant", description: d) }
    static func invalidClient() -> OAuthError {
        OAuthError(error: "invalid_client", description: "The client credentials are invalid.")
    }
    static func invalidRequest(_ d: String) -> OAuthError { OAuthError(error: "invalid_request", description: d) }

    var body: JSON { ["error": .string(error), "error_description": .string(description)] }
}
