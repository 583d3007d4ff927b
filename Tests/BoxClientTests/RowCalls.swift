/// The calls these tests make, as requests built from the table of Box operations' rows
/// (what box.lua's functions send), run synchronously.
import BoxClient
import JSON

extension BoxClient {
    private static func fieldsQuery(_ fields: String?) -> [(String, String)] { fields.map { [("fields", $0)] } ?? [] }

    func listUsers(fields: String? = nil, pageSize: Int = 1000) -> BoxPager {
        BoxPager(
            client: self, request: BoxOperations.usersList.request(query: Self.fieldsQuery(fields)),
            mode: .marker(limit: pageSize))
    }

    func getUser(_ id: String, fields: String? = nil) throws(BoxError) -> JSON {
        try json(BoxOperations.usersGet.request(id, query: Self.fieldsQuery(fields)))
    }

    func me(fields: String? = nil) throws(BoxError) -> JSON {
        try json(BoxOperations.usersMe.request(query: Self.fieldsQuery(fields)))
    }

    func updateUser(_ id: String, _ changes: JSON) throws(BoxError) -> JSON {
        try json(BoxOperations.usersUpdate.request(id, body: changes))
    }

    func deleteUser(_ id: String, force: Bool = false) throws(BoxError) {
        _ = try send(
            BoxOperations.usersDelete.request(id, query: [("force", String(force)), ("notify", "false")]))
    }

    func transferContent(from: String, to: String) throws(BoxError) -> JSON {
        try json(
            BoxOperations.usersTransferContent.request(
                from, query: [("notify", "false")], body: ["owned_by": ["id": .string(to)]]))
    }

    func terminateSessions(userIDs: [String]) throws(BoxError) -> JSON {
        try json(
            BoxOperations.usersTerminateSessions.request(
                body: ["user_ids": .array(userIDs.map { .string($0) }), "user_logins": []]))
    }

    func invite(enterpriseID: String, login: String) throws(BoxError) -> JSON {
        try json(
            BoxOperations.invitesCreate.request(
                body: ["enterprise": ["id": .string(enterpriseID)], "actionable_by": ["login": .string(login)]]))
    }

    func adminLogs(eventTypes: [String]) -> BoxPager {
        BoxPager(
            client: self,
            request: BoxOperations.eventsAdminLogs.request(query: [("event_type", eventTypes.joined(separator: ","))]),
            mode: .stream(position: "0", limit: 500))
    }
}
