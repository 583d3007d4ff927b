/// GET /events: the enterprise `admin_logs` stream (event_type, created_after/before,
/// 19-digit stream positions, empty entries at the end); user streams are empty.
import JSON

enum EventRoutes {
    /// Positions are offsets into the event list above 2^60, so they have 19 digits like Box's.
    static let base: Int64 = 1_152_921_504_606_846_976

    static func list(_ c: inout RequestContext) throws -> Reply {
        let stream = c.query("stream_type") ?? "all"
        guard ["all", "changes", "sync", "admin_logs", "admin_logs_streaming"].contains(stream) else {
            throw BoxErrorReply.invalidParameter("stream_type", "Invalid value '\(stream)'")
        }
        guard stream.hasPrefix("admin_logs") else {
            return .json(200, ["chunk_size": 0, "next_stream_position": .string(String(base)), "entries": []])
        }
        try c.requireAdmin()
        let limit = min(max(try c.integer("limit") ?? 100, 1), 500)
        let events = c.state.events
        let start = try position(c.query("stream_position"), count: events.count)
        let types = c.query("event_type").map {
            Set($0.split(separator: ",").map { $0.trimmingWhitespace() })
        }
        let dated = stream == "admin_logs"
        let after = dated ? try date(c, "created_after") : nil
        let before = dated ? try date(c, "created_before") : nil
        var entries: [JSON] = []
        var i = start
        while i < events.count && entries.count < limit {
            let e = events[i]
            i += 1
            if let types, !types.contains(e.eventType) { continue }
            if let after, e.createdAt < after { continue }
            if let before, e.createdAt > before { continue }
            entries.append(json(e))
        }
        return .json(
            200,
            [
                "chunk_size": .int(Int64(entries.count)), "next_stream_position": .string(String(base + Int64(i))),
                "entries": .array(entries),
            ])
    }

    private static func position(_ text: String?, count: Int) throws -> Int {
        guard let text, !text.isEmpty, text != "0" else { return 0 }
        if text == "now" { return count }
        guard let p = Int64(text), p >= base else {
            throw BoxErrorReply.invalidParameter(
                "stream_position", "Invalid value '\(text)'. Not a valid stream position")
        }
        return Int(min(p - base, Int64(count)))
    }

    private static func date(_ c: RequestContext, _ name: String) throws -> Int64? {
        guard let text = c.query(name), !text.isEmpty else { return nil }
        guard let t = BoxTime.parse(text) else {
            throw BoxErrorReply.invalidParameter(
                name, "Invalid value '\(text)'. '\(name)' must be a date-time like 2024-01-31T09:00:00-08:00")
        }
        return t
    }

    /// `created_by` is who acted, `source` what the event is about: the same user for LOGIN, the
    /// deleted user for DELETE_USER (see README "Fidelity" for the sources).
    static func json(_ e: SandboxEvent) -> JSON {
        let user: JSON = [
            "type": "user", "id": .string(e.userID), "name": .string(e.userName), "login": .string(e.userLogin),
        ]
        var o = JSONObject()
        if let s = e.source {
            o["source"] = ["type": "user", "id": .string(s.id), "name": .string(s.name), "login": .string(s.login)]
        } else {
            o["source"] = user
        }
        o["created_by"] = user
        o["action_by"] = .null
        o["created_at"] = .string(BoxTime.format(e.createdAt))
        o["event_id"] = .string(e.eventID)
        o["event_type"] = .string(e.eventType)
        o["ip_address"] = .string(e.ipAddress)
        o["type"] = "event"
        o["session_id"] = .null
        o["additional_details"] = .null
        return .object(o)
    }
}
