/// Box's routes as templates (`/2.0/users/{user_id}`), matched segment by segment; a path
/// that matches with another method is a 405, anything else a 404.
import HTTPServer
import JSON

struct Route {
    let method: String
    let template: String
    /// API routes need a bearer token and are subject to rate-limit and server-error faults.
    let isAPI: Bool
    let handler: (inout RequestContext) throws -> Reply
    let segments: [Substring]

    init(
        _ method: String, _ template: String, api: Bool = true,
        _ handler: @escaping (inout RequestContext) throws -> Reply
    ) {
        self.method = method
        self.template = template
        self.isAPI = api
        self.handler = handler
        self.segments = template.split(separator: "/")
    }

    /// The path parameters when `path` fits this template.
    func params(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var out: [String: String] = [:]
        for (t, p) in zip(segments, path) {
            if t.first == "{" { out[String(t.dropFirst().dropLast())] = String(p) } else if t != p { return nil }
        }
        return out
    }
}

enum RouteMatch {
    case found(Route, [String: String])
    case methodNotAllowed(String)
    case notFound
}

struct Router: Sendable {
    let routes: [Route]

    func match(method: String, path: String) -> RouteMatch {
        let parts = path.split(separator: "/")
        var other: String? = nil
        // Literal segments win over parameters: /users/me before /users/{user_id}.
        for r in routes {
            guard let p = r.params(parts) else { continue }
            if r.method == method || (method == "HEAD" && r.method == "GET") { return .found(r, p) }
            other = other ?? r.template
        }
        return other.map { .methodNotAllowed($0) } ?? .notFound
    }

    static let box = Router(routes: [
        Route("GET", "/2.0/users/me", UserRoutes.me),
        Route("POST", "/2.0/users/terminate_sessions", UserWriteRoutes.terminateSessions),
        Route("GET", "/2.0/users", UserRoutes.list),
        Route("POST", "/2.0/users", UserWriteRoutes.create),
        Route("GET", "/2.0/users/{user_id}", UserRoutes.get),
        Route("PUT", "/2.0/users/{user_id}", UserWriteRoutes.update),
        Route("DELETE", "/2.0/users/{user_id}", UserWriteRoutes.delete),
        Route("PUT", "/2.0/users/{user_id}/folders/0", TransferRoute.transfer),
        Route("GET", "/2.0/users/{user_id}/memberships", MembershipRoutes.ofUser),
        Route("GET", "/2.0/users/{user_id}/email_aliases", AliasRoutes.list),
        Route("POST", "/2.0/users/{user_id}/email_aliases", AliasRoutes.add),
        Route("DELETE", "/2.0/users/{user_id}/email_aliases/{email_alias_id}", AliasRoutes.remove),
        Route("GET", "/2.0/groups", GroupRoutes.list),
        Route("POST", "/2.0/groups", GroupRoutes.create),
        Route("GET", "/2.0/groups/{group_id}", GroupRoutes.get),
        Route("PUT", "/2.0/groups/{group_id}", GroupRoutes.update),
        Route("DELETE", "/2.0/groups/{group_id}", GroupRoutes.delete),
        Route("GET", "/2.0/groups/{group_id}/memberships", GroupRoutes.members),
        Route("POST", "/2.0/group_memberships", MembershipRoutes.create),
        Route("GET", "/2.0/group_memberships/{group_membership_id}", MembershipRoutes.get),
        Route("PUT", "/2.0/group_memberships/{group_membership_id}", MembershipRoutes.update),
        Route("DELETE", "/2.0/group_memberships/{group_membership_id}", MembershipRoutes.delete),
        Route("POST", "/2.0/invites", UserWriteRoutes.invite),
        Route("GET", "/2.0/invites/{invite_id}", UserWriteRoutes.getInvite),
        Route("GET", "/2.0/events", EventRoutes.list),
        Route("GET", "/2.0/folders/{folder_id}", FolderRoutes.get),
        Route("GET", "/2.0/folders/{folder_id}/items", FolderRoutes.items),
        Route("GET", "/2.0/folders/{folder_id}/collaborations", FolderRoutes.collaborations),
        Route("GET", "/2.0/collaborations/{collaboration_id}", CollaborationRoutes.get),
        Route("PUT", "/2.0/collaborations/{collaboration_id}", CollaborationRoutes.update),
        Route("DELETE", "/2.0/collaborations/{collaboration_id}", CollaborationRoutes.delete),
        Route("GET", "/2.0/legal_hold_policies", HoldRoutes.legalHolds),
        Route("GET", "/2.0/legal_hold_policies/{legal_hold_policy_id}", HoldRoutes.legalHold),
        Route("GET", "/2.0/legal_hold_policy_assignments", HoldRoutes.legalHoldAssignments),
        Route("GET", "/2.0/retention_policies", HoldRoutes.retentionPolicies),
        Route("GET", "/2.0/retention_policies/{retention_policy_id}", HoldRoutes.retentionPolicy),
        Route("GET", "/2.0/retention_policies/{retention_policy_id}/assignments", HoldRoutes.retentionAssignments),
        Route("POST", "/oauth2/token", api: false, TokenRoute.token),
        Route("POST", "/oauth2/revoke", api: false, TokenRoute.revoke),
        Route("GET", "/oauth2/authorize", api: false, AuthorizeRoute.page),
        Route("POST", "/oauth2/authorize", api: false, AuthorizeRoute.approve),
        Route("GET", "/api/oauth2/authorize", api: false, AuthorizeRoute.page),
        Route("POST", "/api/oauth2/authorize", api: false, AuthorizeRoute.approve),
    ])
}

extension Route: @unchecked Sendable {}
