/// Whether Box already shows a change whose earlier try may have reached it (cut off by a
/// signal or a kill, no answer, a 5xx), so that it is never sent again blind: a delete
/// resent fails with 404 forever, a create makes a duplicate, a transfer runs twice.
///
/// Asynchronous (reads through `client.start`, so it can run from inside the engine's loop)
/// with a synchronous wrapper for `apply`.
import BoxClient
import JSON

public enum ChangeVerifier {
    /// The client's hook for changes it would otherwise resend blind (see `BoxClient.changeChecker`).
    public static func checker(_ client: BoxClient) -> ChangeChecker {
        { [unowned client] request, completion in check(request, client: client, completion: completion) }
    }

    /// Checks `request` (a change) on Box and calls `completion` once, from the engine's loop.
    public static func check(
        _ request: BoxRequest, client: BoxClient, completion: @escaping (ChangeCheck) -> Void
    ) {
        let body = request.body
        guard let operation = request.operation?.operation else {
            return completion(.unknown("a \(request.method) \(request.path) made with box.request cannot be checked"))
        }
        switch operation.check {
        case .subjectHasFields:
            // Made when the user already has every field the change sets (an update is
            // idempotent, so "not made" is safe to resend even when it was).
            guard let path = readPath(request), let fields = body?.objectValue else {
                return completion(.unknown("the change names no user"))
            }
            let keys = fields.keys.filter { $0 != "notify" }
            get(client, path, [("fields", (["id"] + keys).joined(separator: ","))]) { result in
                switch result {
                case .success(let user):
                    completion(keys.allSatisfy { user[$0] == fields[$0] } ? .made(user) : .notMade)
                case .failure(let e) where e.status == 404: completion(.notMade)
                case .failure(let e): completion(.unknown("the check failed: \(e)"))
                }
            }
        case .subjectGone:
            guard let path = readPath(request) else { return completion(.unknown("the change names no user")) }
            get(client, path, [("fields", "id")]) { result in
                switch result {
                case .success: completion(.notMade)
                case .failure(let e) where e.status == 404: completion(.made(nil))
                case .failure(let e): completion(.unknown("the check failed: \(e)"))
                }
            }
        case .subjectOwnsNothing:
            // Box counts owned content in space_used: nothing left means the move happened.
            guard let id = request.subjectID else { return completion(.unknown("the change names no user")) }
            get(client, "/2.0/users/\(id)", [("fields", "id,space_used")]) { result in
                switch result {
                case .success(let user):
                    guard let used = user["space_used"]?.intValue else {
                        return completion(.unknown("Box did not say how much user \(id) still owns"))
                    }
                    completion(used == 0 ? .made(nil) : .notMade)
                case .failure(let e) where e.status == 404:
                    completion(.unknown("user \(id) no longer exists, so whether the transfer happened cannot be told"))
                case .failure(let e): completion(.unknown("the check failed: \(e)"))
                }
            }
        case .createdUserExists:
            checkCreate(request, client: client, completion: completion)
        case .cannotCheck(let why):
            completion(.unknown(why))
        case .createdGroupExists, .membershipExists, .aliasExists, .aliasGone:
            checkGroupChange(operation.check, request, client: client, completion: completion)
        }
    }

    /// The synchronous form, for `apply`: drives the client's engine until the check ends.
    public static func checkNow(_ request: BoxRequest, client: BoxClient) -> ChangeCheck {
        var result: ChangeCheck?
        check(request, client: client) { result = $0 }
        client.engine.run { result != nil }
        return result ?? .unknown("the check never completed")
    }

    /// A user by login; an app user (no login) by `external_app_user_id`, else by its name.
    private static func checkCreate(
        _ request: BoxRequest, client: BoxClient, completion: @escaping (ChangeCheck) -> Void
    ) {
        let body = request.body
        let query: [(String, String)]
        let matches: (JSON) -> Bool
        if let login = body?["login"]?.stringValue {
            query = [("filter_term", login), ("fields", "id,login")]
            matches = { $0["login"]?.stringValue?.lowercased() == login.lowercased() }
        } else if let appID = body?["external_app_user_id"]?.stringValue {
            query = [("external_app_user_id", appID), ("fields", "id,external_app_user_id")]
            matches = { $0["external_app_user_id"]?.stringValue == appID }
        } else if let name = body?["name"]?.stringValue, body?["is_platform_access_only"] == .bool(true) {
            query = [("filter_term", name), ("fields", "id,name,is_platform_access_only")]
            matches = { $0["name"]?.stringValue == name && $0["is_platform_access_only"] == .bool(true) }
        } else {
            return completion(.unknown("the create names neither a login nor an app user"))
        }
        get(client, "/2.0/users", query) { result in
            switch result {
            case .success(let page):
                let found = page["entries"]?.arrayValue?.first(where: matches)
                completion(found.map { .made($0) } ?? .notMade)
            case .failure(let e): completion(.unknown("the check failed: \(e)"))
            }
        }
    }

    /// The path that reads the change's subject (`/2.0/groups/7`), by its kind's reader row.
    private static func readPath(_ request: BoxRequest) -> String? {
        guard let subject = request.subject, let reader = BoxOperations.reader(of: subject.kind) else { return nil }
        return reader.request(subject.id).path
    }

    /// A read as the signed-in account itself (no As-User), whatever the change used.
    static func get(
        _ client: BoxClient, _ path: String, _ query: [(String, String)],
        _ done: @escaping (Result<JSON, BoxError>) -> Void
    ) {
        var r = BoxRequest("GET", path, query: query)
        r.asUser = ""
        client.start(r) { result in
            done(result.flatMap { response in Result { () throws(BoxError) in try response.json() } })
        }
    }
}
