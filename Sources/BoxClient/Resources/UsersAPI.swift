/// Box's user-administration endpoints as request builders, plus thin synchronous helpers.
import JSON

/// The requests of the users API, built the way Box wants them (flags in the query where
/// Box reads them there, JSON bodies elsewhere). Use them with `start` to run many at once.
public enum UsersAPI {
    public static func list(
        filterTerm: String? = nil, userType: String? = nil, externalAppUserID: String? = nil,
        fields: String? = nil
    ) -> BoxRequest {
        var q: [(String, String)] = []
        if let filterTerm { q.append(("filter_term", filterTerm)) }
        if let userType { q.append(("user_type", userType)) }
        if let externalAppUserID { q.append(("external_app_user_id", externalAppUserID)) }
        if let fields { q.append(("fields", fields)) }
        return BoxRequest("GET", "/2.0/users", query: q)
    }

    public static func get(_ id: String, fields: String? = nil) -> BoxRequest {
        BoxRequest("GET", "/2.0/users/\(percentEncode(id))", query: fieldsQuery(fields))
    }

    public static func me(fields: String? = nil) -> BoxRequest {
        BoxRequest("GET", "/2.0/users/me", query: fieldsQuery(fields))
    }

    public static func create(_ body: JSON, fields: String? = nil) -> BoxRequest {
        BoxRequest("POST", "/2.0/users", query: fieldsQuery(fields), body: body)
    }

    public static func update(_ id: String, _ body: JSON, fields: String? = nil) -> BoxRequest {
        BoxRequest("PUT", "/2.0/users/\(percentEncode(id))", query: fieldsQuery(fields), body: body)
    }

    /// `force` and `notify` travel in the query: Box ignores them in a body.
    public static func delete(_ id: String, force: Bool = false, notify: Bool = false) -> BoxRequest {
        BoxRequest(
            "DELETE", "/2.0/users/\(percentEncode(id))",
            query: [("force", String(force)), ("notify", String(notify))])
    }

    /// Seconds a content transfer may take: Box answers after up to 10 minutes.
    public static let transferTimeout = 900.0

    /// Moves everything `from` owns into a new folder in `to`'s root.
    public static func transferContent(from: String, to: String, notify: Bool = false, fields: String? = nil)
        -> BoxRequest
    {
        BoxRequest(
            "PUT", "/2.0/users/\(percentEncode(from))/folders/0",
            query: [("notify", String(notify))] + fieldsQuery(fields),
            body: .object(JSONObject([("owned_by", .object(JSONObject([("id", .string(to))])))])),
            timeout: transferTimeout)
    }

    /// Box requires both lists; the unused one goes as [].
    public static func terminateSessions(userIDs: [String] = [], userLogins: [String] = []) -> BoxRequest {
        BoxRequest(
            "POST", "/2.0/users/terminate_sessions",
            body: .object(
                JSONObject([
                    ("user_ids", .array(userIDs.map { .string($0) })),
                    ("user_logins", .array(userLogins.map { .string($0) })),
                ])))
    }

    public static func memberships(_ id: String) -> BoxRequest {
        BoxRequest("GET", "/2.0/users/\(percentEncode(id))/memberships")
    }

    public static func invite(enterpriseID: String, login: String, fields: String? = nil) -> BoxRequest {
        BoxRequest(
            "POST", "/2.0/invites", query: fieldsQuery(fields),
            body: .object(
                JSONObject([
                    ("enterprise", .object(JSONObject([("id", .string(enterpriseID))]))),
                    ("actionable_by", .object(JSONObject([("login", .string(login))]))),
                ])))
    }

    /// The enterprise event stream (`admin_logs`), for paging with `BoxPager.Mode.stream`.
    public static func adminLogs(eventTypes: [String] = [], createdAfter: String? = nil, createdBefore: String? = nil)
        -> BoxRequest
    {
        var q: [(String, String)] = [("stream_type", "admin_logs")]
        if !eventTypes.isEmpty { q.append(("event_type", eventTypes.joined(separator: ","))) }
        if let createdAfter { q.append(("created_after", createdAfter)) }
        if let createdBefore { q.append(("created_before", createdBefore)) }
        return BoxRequest("GET", "/2.0/events", query: q)
    }

    private static func fieldsQuery(_ fields: String?) -> [(String, String)] {
        fields.map { [("fields", $0)] } ?? []
    }
}

extension BoxClient {
    /// Every user matching the filters, 1000 a page by marker.
    public func listUsers(
        filterTerm: String? = nil, userType: String? = nil, fields: String? = nil, pageSize: Int = 1000
    ) -> BoxPager {
        BoxPager(
            client: self, request: UsersAPI.list(filterTerm: filterTerm, userType: userType, fields: fields),
            mode: .marker(limit: min(max(pageSize, 1), 1000)))
    }

    public func getUser(_ id: String, fields: String? = nil) throws(BoxError) -> JSON {
        try json(UsersAPI.get(id, fields: fields))
    }

    public func me(fields: String? = nil) throws(BoxError) -> JSON {
        try json(UsersAPI.me(fields: fields))
    }

    public func updateUser(_ id: String, _ changes: JSON, fields: String? = nil) throws(BoxError) -> JSON {
        try json(UsersAPI.update(id, changes, fields: fields))
    }

    public func deleteUser(_ id: String, force: Bool = false, notify: Bool = false) throws(BoxError) {
        _ = try send(UsersAPI.delete(id, force: force, notify: notify))
    }

    public func transferContent(from: String, to: String, notify: Bool = false) throws(BoxError) -> JSON {
        try json(UsersAPI.transferContent(from: from, to: to, notify: notify))
    }

    public func terminateSessions(userIDs: [String] = [], userLogins: [String] = []) throws(BoxError) -> JSON {
        try json(UsersAPI.terminateSessions(userIDs: userIDs, userLogins: userLogins))
    }

    public func invite(enterpriseID: String, login: String) throws(BoxError) -> JSON {
        try json(UsersAPI.invite(enterpriseID: enterpriseID, login: login))
    }

    /// A user's group memberships, by offset (Box has no markers there).
    public func memberships(of id: String) -> BoxPager {
        BoxPager(client: self, request: UsersAPI.memberships(id), mode: .offset(limit: 1000))
    }

    /// Enterprise events from `position` ("0" for the oldest kept), 500 a page.
    public func adminLogs(
        eventTypes: [String] = [], createdAfter: String? = nil, createdBefore: String? = nil,
        position: String = "0"
    ) -> BoxPager {
        BoxPager(
            client: self,
            request: UsersAPI.adminLogs(
                eventTypes: eventTypes, createdAfter: createdAfter, createdBefore: createdBefore),
            mode: .stream(position: position, limit: 500))
    }
}
