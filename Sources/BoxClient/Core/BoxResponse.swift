/// A Box answer: status, headers, raw body bytes, and its JSON on demand.
import JSON

/// What Box answered (or what a dry run synthesized in its place).
public struct BoxResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [(String, String)]
    /// The body as received, so a Lua binding can decode it straight into Lua.
    public var body: [UInt8]
    /// HTTP requests it took, retries included (0 for a synthesized answer).
    public var attempts: Int
    /// True when no answer of Box's says the change succeeded: a try was cut off (or got a
    /// 5xx) and the client's change checker then found the change made on Box. The status
    /// is then the one Box gives on success (204 for DELETE, 200 otherwise) and the body is
    /// empty; the caller's audit can say "found made on Box after a cut-off try".
    public var foundMadeByCheck = false

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], attempts: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    /// The answer for a change a checker found made on Box after a cut-off try.
    public static func foundMade(by request: BoxRequest, attempts: Int) -> BoxResponse {
        var r = BoxResponse(status: request.method.uppercased() == "DELETE" ? 204 : 200, attempts: attempts)
        r.foundMadeByCheck = true
        return r
    }

    /// A synthesized answer carrying `json` as its body.
    public init(status: Int, json: JSON) {
        self.init(
            status: status, headers: [("content-type", "application/json")], body: json.serializedBytes())
    }

    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.0 == n }?.1
    }

    /// Box's request id: the `box-request-id` header.
    public var requestID: String? { header("box-request-id") }

    /// The body parsed as JSON; an empty body (204) reads as null.
    public func json() throws(BoxError) -> JSON {
        if body.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) { return .null }
        do {
            return try JSON.parse(body)
        } catch {
            throw BoxError(
                status: status, code: "invalid_response",
                message: "the response body is not JSON (\(error)): \(bodySample)",
                requestID: requestID)
        }
    }

    /// The first 200 characters of the body, for messages.
    var bodySample: String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "..." : text
    }
}
