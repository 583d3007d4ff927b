/// Legal holds and retention policies as a dry run's reason to predict Box refusing a delete:
/// Box refuses to delete a user who owns content while the enterprise has any legal hold that is
/// not released or any retention policy, whether or not it covers that content, even with
/// force, until the content is transferred (README, "The sandbox": Box's rules on deleting
/// users; Box support article 33282413279635).
import BoxClient
import JSON

public final class HoldBlockers: DeleteBlockers {
    public init() {}

    public func blockers(ofUser userID: String, client: BoxClient, done: @escaping ([String]) -> Void) {
        Self.ownsContent(userID, client) { owns in
            guard owns else { return done([]) }
            Self.all(client, "/2.0/legal_hold_policies") { holds in
                if let h = holds.first(where: { $0["status"]?.stringValue != "released" }) {
                    return done([Self.reason("legal hold", h)])
                }
                Self.all(client, "/2.0/retention_policies") { policies in
                    done(policies.first.map { [Self.reason("retention policy", $0)] } ?? [])
                }
            }
        }
    }

    static func reason(_ kind: String, _ policy: JSON) -> String {
        let name = policy["policy_name"]?.stringValue ?? policy["id"]?.stringValue ?? "?"
        return "held by \(kind) '\(name)' (the user owns content: transfer it first, force does not help)"
    }

    /// `space_used` above 0, or an item of their All Files that is theirs (read As-User them).
    static func ownsContent(_ id: String, _ client: BoxClient, _ done: @escaping (Bool) -> Void) {
        var get = BoxRequest("GET", "/2.0/users/\(id)", query: [("fields", "id,space_used")])
        get.asUser = ""
        client.start(get) { result in
            guard case .success(let r) = result, let user = try? r.json() else { return done(false) }
            if (user["space_used"]?.intValue ?? 0) > 0 { return done(true) }
            let root = BoxRequest(
                "GET", "/2.0/folders/0/items", query: [("fields", "owned_by"), ("limit", "1000")], asUser: id)
            client.start(root) { result in
                guard case .success(let r) = result, let page = try? r.json() else { return done(false) }
                done(page["entries"]?.arrayValue?.contains { $0["owned_by"]?["id"]?.stringValue == id } == true)
            }
        }
    }

    /// Every entry of a marker-paged listing read as the signed-in account; what a failed read
    /// leaves out is no reason (the live run finds out).
    static func all(
        _ client: BoxClient, _ path: String, marker: String? = nil, so far: [JSON] = [],
        _ done: @escaping ([JSON]) -> Void
    ) {
        var query = [("limit", "1000")]
        if let marker { query.append(("marker", marker)) }
        var get = BoxRequest("GET", path, query: query)
        get.asUser = ""
        client.start(get) { result in
            guard case .success(let r) = result, let page = try? r.json() else { return done(far) }
            let got = far + (page["entries"]?.arrayValue ?? [])
            guard let next = page["next_marker"]?.stringValue, !next.isEmpty, next != marker else { return done(got) }
            all(client, path, marker: next, so: got, done)
        }
    }
}
