/// Reading users: GET /users (offset and marker paging), /users/me, /users/{id}.
import JSON
import Signing

enum UserRoutes {
    static let maxOffset = 10_000

    static func me(_ c: inout RequestContext) throws -> Reply {
        .rawJSON(200, c.userBytes(c.me.id, fields: c.fields))
    }

    static func get(_ c: inout RequestContext) throws -> Reply {
        let id = c.params["user_id"] ?? ""
        _ = try c.user(id)
        return .rawJSON(200, c.userBytes(id, fields: c.fields))
    }

    static func list(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let match = try filter(c)
        let limit = min(max(try c.integer("limit") ?? 100, 1), 1000)
        if try c.bool("usemarker") == true {
            return try markerPage(c, match: match, limit: limit)
        }
        let offset = try checkedOffset(c)
        let (ids, total) = offsetPage(c, match: match, offset: offset, limit: limit)
        var out = Array("{\"total_count\":\(total),\"entries\":[".utf8)
        appendUsers(ids, c, &out)
        out += Array("],\"offset\":\(offset),\"limit\":\(limit)}".utf8)
        return .rawJSON(200, out)
    }

    /// The page's ids and the total; the total of an unchanged listing is remembered, so a
    /// 100,000-user enterprise is scanned once per change, not once per page.
    private static func offsetPage(
        _ c: RequestContext, match: (UserSlot) -> Bool, offset: Int, limit: Int
    ) -> ([String], Int) {
        let key = ["user_type", "filter_term", "external_app_user_id"].map { c.query($0) ?? "\u{0}" }.joined(
            separator: "\u{1}")
        let state = c.state
        var ids: [String] = []
        var seen = 0
        var i = 0
        let order = state.order
        while i < order.count && ids.count < limit {
            if match(order[i]) {
                if seen >= offset { ids.append(order[i].user.id) }
                seen += 1
            }
            i += 1
        }
        if let cached = state.countCache, cached.version == state.version, cached.key == key {
            return (ids, cached.count)
        }
        while i < order.count {
            if match(order[i]) { seen += 1 }
            i += 1
        }
        state.countCache = (state.version, key, seen)
        return (ids, seen)
    }

    static func checkedOffset(_ c: RequestContext) throws -> Int {
        let offset = try c.integer("offset") ?? 0
        guard offset <= maxOffset else {
            throw BoxErrorReply.invalidParameter(
                "offset", "Invalid value '\(offset)'. The offset must not exceed the maximum offset of \(maxOffset)")
        }
        return offset
    }

    private static func appendUsers(_ ids: [String], _ c: RequestContext, _ out: inout [UInt8]) {
        let fields = c.fields
        out.reserveCapacity(out.count + ids.count * 480)
        for (n, id) in ids.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out += c.userBytes(id, fields: fields)
        }
    }

    /// Which users a listing shows: enterprise users by name/login prefix, external users only
    /// on an exact login (and then alone), app users by `external_app_user_id`.
    private static func filter(_ c: RequestContext) throws -> (UserSlot) -> Bool {
        let type = c.query("user_type") ?? "all"
        guard ["all", "managed", "external"].contains(type) else {
            throw BoxErrorReply.invalidParameter(
                "user_type", "Invalid value '\(type)'. Allowed: all, managed, external")
        }
        let term = c.query("filter_term")?.lowercased() ?? ""
        let appID = c.query("external_app_user_id")
        let service = c.state.serviceAccountUserID
        let exactExternal =
            term.isEmpty || type == "managed"
            ? false
            : c.state.order.contains { $0.user.isExternal && $0.user.login.lowercased() == term }
        if term.isEmpty && appID == nil {
            // The common case, kept cheap for 100,000-user listings: no copies of the user.
            let serviceNumber = Int64(service) ?? -1
            let wanted = type != "external"
            return { slot in wanted && !slot.isExternal && slot.number != serviceNumber }
        }
        return { slot in
            let u = slot.user
            if let appID, u.externalAppUserID != appID { return false }
            if u.isExternal { return exactExternal && u.login.lowercased() == term }
            if exactExternal || type == "external" || u.id == service { return false }
            return term.isEmpty || u.login.lowercased().hasPrefix(term) || u.name.lowercased().hasPrefix(term)
        }
    }

    private static func markerPage(_ c: RequestContext, match: (UserSlot) -> Bool, limit: Int) throws -> Reply {
        var start = 0
        if let marker = c.query("marker"), !marker.isEmpty {
            guard let after = decodeMarker(marker) else {
                throw BoxErrorReply.invalidParameter("marker", "Invalid value '\(marker)'. The marker is not valid")
            }
            guard let i = c.state.index(after: after) else { return markerReply([], next: nil, limit: limit, c) }
            start = i
        }
        var ids: [String] = []
        var more = false
        let order = c.state.order
        var i = start
        while i < order.count {
            if match(order[i]) {
                if ids.count == limit { more = true; break }
                ids.append(order[i].user.id)
            }
            i += 1
        }
        let next = more ? ids.last.flatMap { c.state.slots[$0]?.number }.map(encodeMarker) : nil
        return markerReply(ids, next: next, limit: limit, c)
    }

    private static func markerReply(_ ids: [String], next: String?, limit: Int, _ c: RequestContext) -> Reply {
        var out = Array("{\"entries\":[".utf8)
        appendUsers(ids, c, &out)
        out += Array("],\"limit\":\(limit)".utf8)
        if let next {
            out += Array(",\"next_marker\":\"\(next)\"".utf8)
        } else {
            switch c.faults.markerEnd {
            case .omit: break
            case .null: out += Array(",\"next_marker\":null".utf8)
            case .empty: out += Array(",\"next_marker\":\"\"".utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return .rawJSON(200, out)
    }

    /// Markers look like Box's (base64 of a small JSON object) and name the last id returned.
    static func encodeMarker(_ last: Int64) -> String {
        Base64URL.encode("{\"type\":\"user\",\"dir\":\"next\",\"tail\":\"\(last)\"}")
    }

    static func decodeMarker(_ m: String) -> Int64? {
        guard let bytes = Base64URL.decode(m), let j = try? JSON.parse(bytes), j["type"]?.stringValue == "user",
            let tail = j["tail"]?.stringValue
        else { return nil }
        return Int64(tail)
    }
}
