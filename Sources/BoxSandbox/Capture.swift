/// Appends one JSON line per response to `$BOXLUA_SANDBOX_CAPTURE` (method, route template,
/// status, content type, body), for the OpenAPI validation in Tests/fidelity.
#if canImport(Glibc)
    import Glibc
#endif
import Files
import FoundationEssentials
import HTTPServer
import JSON

final class CaptureLog: @unchecked Sendable {
    static let shared = CaptureLog(path: ProcessEnvironment.current()["BOXLUA_SANDBOX_CAPTURE"])

    private let lock = ConditionLock()
    private let fd: Int32

    init(path: String?) {
        if let path, !path.isEmpty {
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        } else {
            fd = -1
        }
    }

    var enabled: Bool { fd >= 0 }

    func append(method: String, route: String, query: [String: String], status: Int, contentType: String, body: [UInt8])
    {
        guard fd >= 0 else { return }
        var q = JSONObject()
        for k in query.keys.sorted() { q[k] = .string(query[k] ?? "") }
        let line: JSON = [
            "method": .string(method), "route": .string(route), "query": .object(q), "status": .int(Int64(status)),
            "content_type": .string(contentType), "body": .string(Self.redacted(body)),
        ]
        let bytes = line.serializedBytes() + [0x0A]
        lock.lock()
        defer { lock.unlock() }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// The body with token values replaced, so no secret lands in the capture file.
    static func redacted(_ body: [UInt8]) -> String {
        guard body.count < 4096, case .object(var o)? = try? JSON.parse(body), o["access_token"] != nil else {
            return String(decoding: body, as: UTF8.self)
        }
        for k in ["access_token", "refresh_token"] where o[k] != nil { o[k] = "REDACTED" }
        return JSON.object(o).serialized()
    }
}
