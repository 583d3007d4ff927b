/// A Box API call as data: method, path, query, JSON body, headers, As-User, and its operation.
import JSON

/// One call to Box's REST API (`/2.0/...`), before auth and retries.
public struct BoxRequest: Sendable {
    public var method: String
    /// The path below the base URL, starting with `/2.0/`.
    public var path: String
    /// Query parameters in the order given; values are sent percent-encoded.
    public var query: [(String, String)]
    public var body: JSON?
    public var headers: [(String, String)]
    /// Sent as the `As-User` header; nil falls back to the client's default (`--as-user`),
    /// and "" sends none: for calls that must act as the signed-in account itself.
    public var asUser: String?
    /// Seconds for this request; nil uses the client's timeout.
    public var timeout: Double?

    public init(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSON? = nil,
        headers: [(String, String)] = [], asUser: String? = nil, timeout: Double? = nil
    ) {
        self.method = method.uppercased()
        self.path = path.hasPrefix("/") ? path : "/" + path
        self.query = query
        self.body = body
        self.headers = headers
        self.asUser = asUser
        self.timeout = timeout
    }

    /// True for every call that may change Box (anything but GET and HEAD).
    public var isMutation: Bool { method != "GET" && method != "HEAD" }

    /// The path and its encoded query, as sent: `/2.0/users?limit=10`.
    public var pathAndQuery: String {
        query.isEmpty ? path : path + "?" + formEncode(query)
    }

    /// The value of a query parameter (the last one of that name).
    public func queryValue(_ name: String) -> String? {
        query.last { $0.0 == name }?.1
    }

    /// A copy with a query parameter set (replacing any of that name).
    public func settingQuery(_ name: String, _ value: String) -> BoxRequest {
        var r = self
        r.query.removeAll { $0.0 == name }
        r.query.append((name, value))
        return r
    }

    /// The row of the table of operations this call is an instance of (from method and
    /// path), with its path parameters; nil for anything the table has no row for.
    public var operation: OperationMatch? { BoxOperations.match(method: method, path: path) }

    /// What the call does, in the names plans and audit logs use: `users.delete`,
    /// `users.update`...; `request` for anything the table has no row for.
    public var op: String { operation?.operation.name ?? "request" }

    /// The record the call acts on, as its row says (`DELETE /2.0/users/42`: user 42); for a
    /// path no row matches, the subject of the row template it starts with.
    public var subject: OperationSubject? {
        if let operation { return operation.subject(body: body) }
        return BoxOperations.subject(underPath: path)
    }

    /// The id of ``subject``.
    public var subjectID: String? { subject?.id }
}

extension BoxOperation {
    /// A path that does not reduce to one clean form; the reason reads after "path ...".
    public struct PathError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The one spelling of `path` that the guards classify and the client sends: `.` and `..`
    /// segments resolved, empty segments (`//`) and a trailing `/` dropped, percent-escapes of
    /// unreserved characters decoded (`%34%32` is `42`) and other escapes upper-cased
    /// (RFC 3986 6.2.2). Refused: `..` above the first segment (/2.0), an escaped `/` or `\`
    /// inside a segment, a malformed escape, and bytes no segment may hold (space, `;`,
    /// controls): a server could read each of them as another path than the one classified.
    /// A query (`?...`) is kept as it is.
    public static func normalizedPath(_ path: String) throws(PathError) -> String {
        var bare = Substring(path), query = ""
        if let q = path.firstIndex(of: "?") {
            bare = path[..<q]
            query = String(path[q...])
        }
        guard bare.hasPrefix("/") else { throw PathError(description: "must start with /") }
        var out: [String] = []
        for raw in bare.split(separator: "/", omittingEmptySubsequences: true) {
            let segment = try normalizedSegment(raw)
            switch segment {
            case ".": continue
            case "..":
                guard out.count > 1 else {
                    throw PathError(description: "goes above \(out.first.map { "/" + $0 } ?? "/") with '..'")
                }
                out.removeLast()
            default: out.append(segment)
            }
        }
        return "/" + out.joined(separator: "/") + query
    }

    private static func normalizedSegment(_ raw: Substring) throws(PathError) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        var bytes = Array(raw.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%") {
                guard bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
                else {
                    throw PathError(description: "has a malformed percent-escape in '\(raw)'")
                }
                bytes = bytes.dropFirst(2)
                if isUnreserved(v) {
                    out.append(v)
                } else if v == UInt8(ascii: "/") || v == UInt8(ascii: "\\") || v < 0x20 || v == 0x7F {
                    throw PathError(description: "has an encoded '/', '\\' or control character in '\(raw)'")
                } else {
                    out += [UInt8(ascii: "%"), hex[Int(v >> 4)], hex[Int(v & 15)]]
                }
            } else if b <= 0x20 || b == 0x7F || b == UInt8(ascii: ";") || b == UInt8(ascii: "\\")
                || b == UInt8(ascii: "#")
            {
                throw PathError(description: "has a character no Box path holds in '\(raw)'")
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

}

/// `a=1&b=x%20y`: RFC 3986 unreserved characters kept, everything else percent-encoded.
public func formEncode(_ pairs: [(String, String)]) -> String {
    pairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
}

public func percentEncode(_ s: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.append(b)
        default:
            out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Decodes `%XX` and `+` (as a space) in one form or query component.
public func percentDecode(_ s: Substring) -> String {
    var out: [UInt8] = []
    var bytes = Array(s.utf8)[...]
    while let b = bytes.popFirst() {
        if b == UInt8(ascii: "+") {
            out.append(UInt8(ascii: " "))
        } else if b == UInt8(ascii: "%"), bytes.count >= 2,
            let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
        {
            out.append(v)
            bytes = bytes.dropFirst(2)
        } else {
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Splits `a=1&b=2` into decoded pairs.
public func formDecode(_ s: Substring) -> [(String, String)] {
    s.split(separator: "&").map { part in
        let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (percentDecode(kv[0]), kv.count > 1 ? percentDecode(kv[1]) : "")
    }
}
