/// The checks of group, membership and email alias changes whose outcome is unknown: each
/// reads what the change would have made (or removed) as the signed-in account.
import BoxClient
import JSON

extension ChangeVerifier {
    static func checkGroupChange(
        _ check: BoxOperation.OutcomeCheck, _ request: BoxRequest, client: BoxClient,
        completion: @escaping (ChangeCheck) -> Void
    ) {
        let body = request.body
        // `made` gives the record the change made (what the change's answer would have been),
        // `.null` when made but there is none to give, nil when not made.
        let path: String, query: [(String, String)], made: (JSON) -> JSON?
        switch check {
        case .createdGroupExists:
            guard let name = body?["name"]?.stringValue else {
                return completion(.unknown("the create names no group"))
            }
            (path, query) = ("/2.0/groups", [("filter_term", name), ("limit", "1000")])
            made = { page in
                page["entries"]?.arrayValue?.first { $0["name"]?.stringValue?.lowercased() == name.lowercased() }
            }
        case .membershipExists:
            guard let user = body?["user"]?["id"]?.stringValue, let group = body?["group"]?["id"]?.stringValue else {
                return completion(.unknown("the change names no user and group"))
            }
            (path, query) = ("/2.0/users/\(user)/memberships", [("limit", "1000")])
            made = { page in page["entries"]?.arrayValue?.first { $0["group"]?["id"]?.stringValue == group } }
        case .aliasExists, .aliasGone:
            guard let user = request.subjectID else { return completion(.unknown("the change names no user")) }
            let email = body?["email"]?.stringValue?.lowercased()
            let alias = request.operation?.parameters["email_alias_id"]
            (path, query) = ("/2.0/users/\(user)/email_aliases", [])
            made = { page in
                let entries = page["entries"]?.arrayValue ?? []
                if check == .aliasExists { return entries.first { $0["email"]?.stringValue?.lowercased() == email } }
                return entries.contains { $0["id"]?.stringValue == alias } ? nil : .null
            }
        default:
            return completion(.unknown("no check for this change"))
        }
        get(client, path, query) { result in
            switch result {
            case .success(let page):
                guard let record = made(page) else { return completion(.notMade) }
                completion(.made(record == .null ? nil : record))
            case .failure(let e): completion(.unknown("the check failed: \(e)"))
            }
        }
    }
}
