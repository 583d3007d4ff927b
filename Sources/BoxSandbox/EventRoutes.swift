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
        let events = c.state.eventLog
        var start = try position(c.query("stream_position"), count: events.count)
        let types = c.query("event_type").map {
            Set($0.split(separator: ",").map { $0.trimmingWhitespace() })
        }
        let dated = stream == "admin_logs"
        let after = dated ? try date(c, "created_after") : nil
        let before = dated ? try date(c, "created_before") : nil
        // Events are in time order: the window's start is found, not scanned for, and its end
        // ends the page (the next one is then empty), so a window costs what it holds.
        if let after { start = max(start, events.firstIndex(notBefore: after)) }
        // Written straight to bytes: a page of 500 events is served under the sandbox's lock,
        // and a tree per event would make the lock, not the latency, set the pace.
        var entries: [UInt8] = []
        entries.reserveCapacity(512 * min(limit, events.count - start + 1))
        var count = 0
        var i = start
        while i < events.count && count < limit {
            if let before, events.createdAt(i) > before { break }
            i += 1
            if let types, !types.contains(events.eventType(i - 1)) { continue }
            if count > 0 { entries.append(UInt8(ascii: ",")) }
            write(events[i - 1], to: &entries)
            count += 1
        }
        var body = Array("{\"chunk_size\":\(count),\"next_stream_position\":\"\(base + Int64(i))\",\"entries\":[".utf8)
        body += entries
        body += Array("]}".utf8)
        return .rawJSON(200, body)
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

    /// One event in Box's shape. `created_by` is who acted, `source` what the event is about:
    /// the same user for LOGIN, the deleted user for DELETE_USER (see README "Fidelity" for the
    /// sources).
    static func write(_ e: SandboxEvent, to out: inout [UInt8]) {
        func user(_ id: String, _ name: String, _ login: String) {
            out.append(static: "{\"type\":\"user\",\"id\":")
            JSON.writeString(id, to: &out)
            out.append(static: ",\"name\":")
            JSON.writeString(name, to: &out)
            out.append(static: ",\"login\":")
            JSON.writeString(login, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(static: "{\"source\":")
        if let s = e.source { user(s.id, s.name, s.login) } else { user(e.userID, e.userName, e.userLogin) }
        out.append(static: ",\"created_by\":")
        user(e.userID, e.userName, e.userLogin)
        out.append(static: ",\"action_by\":null,\"created_at\":")
        BoxTime.appendQuoted(e.createdAt, to: &out)
        out.append(static: ",\"event_id\":")
        JSON.writeString(e.eventID, to: &out)
        out.append(static: ",\"event_type\":")
        JSON.writeString(e.eventType, to: &out)
        out.append(static: ",\"ip_address\":")
        JSON.writeString(e.ipAddress, to: &out)
        out.append(static: ",\"type\":\"event\",\"session_id\":null,\"additional_details\":null}")
    }
}

extension Array where Element == UInt8 {
    /// Appends a literal's bytes without making an array of them first.
    mutating func append(static text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
