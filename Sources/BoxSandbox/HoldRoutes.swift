/// Governance, read-only: legal hold policies and their assignments, retention policies and
/// theirs. Admins only (Box also wants the app's legal hold / retention scopes).
import JSON

enum HoldRoutes {
    /// GET /legal_hold_policies (`policy_name`: name prefix, case-insensitive), marker paged.
    static func legalHolds(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let prefix = c.query("policy_name")?.lowercased() ?? ""
        let all = c.state.content.legalHolds.filter { prefix.isEmpty || $0.name.lowercased().hasPrefix(prefix) }
        return .json(200, try MarkerPaging.page(all.map { projected(c.state.legalHoldJSON($0), c.fields) }, c))
    }

    static func legalHold(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        return .json(200, c.state.legalHoldJSON(try legalHold(c, c.params["legal_hold_policy_id"] ?? "")))
    }

    /// GET /legal_hold_policy_assignments?policy_id= (required), optionally `assign_to_type`
    /// and `assign_to_id`.
    static func legalHoldAssignments(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        guard let id = c.query("policy_id"), !id.isEmpty else {
            throw BoxErrorReply.invalidParameter("policy_id", "'policy_id' is required", reason: "missing_parameter")
        }
        let policy = try legalHold(c, id)
        let type = try oneOf(c, "assign_to_type", SandboxLegalHold.assignmentTypes)
        let item = c.query("assign_to_id")
        let list = policy.assignments.filter { (type == nil || $0.type == type) && (item == nil || $0.itemID == item) }
        let all = list.map { projected(c.state.legalHoldAssignmentJSON($0, policy), c.fields) }
        return .json(200, try MarkerPaging.page(all, c))
    }

    /// GET /retention_policies (`policy_name` prefix, `policy_type`), marker paged.
    static func retentionPolicies(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let prefix = c.query("policy_name")?.lowercased() ?? ""
        let type = try oneOf(c, "policy_type", ["finite", "indefinite"])
        let all = c.state.content.retentionPolicies.filter {
            (prefix.isEmpty || $0.name.lowercased().hasPrefix(prefix)) && (type == nil || $0.policyType == type)
        }
        return .json(200, try MarkerPaging.page(all.map { projected(c.state.retentionPolicyJSON($0), c.fields) }, c))
    }

    static func retentionPolicy(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let p = try retentionPolicy(c, c.params["retention_policy_id"] ?? "")
        return .json(200, projected(c.state.retentionPolicyJSON(p), c.fields))
    }

    /// GET /retention_policies/{id}/assignments (`type`: enterprise, folder or metadata_template).
    static func retentionAssignments(_ c: inout RequestContext) throws -> Reply {
        try c.requireAdmin()
        let p = try retentionPolicy(c, c.params["retention_policy_id"] ?? "")
        let type = try oneOf(c, "type", SandboxRetentionPolicy.assignmentTypes)
        let all = p.assignments.filter { type == nil || $0.type == type }.map {
            projected(c.state.retentionAssignmentJSON($0, p), c.fields)
        }
        return .json(200, try MarkerPaging.page(all, c))
    }

    private static func legalHold(_ c: RequestContext, _ id: String) throws -> SandboxLegalHold {
        guard let h = c.state.content.legalHolds.first(where: { $0.id == id }) else { throw BoxErrorReply.notFound() }
        return h
    }

    private static func retentionPolicy(_ c: RequestContext, _ id: String) throws -> SandboxRetentionPolicy {
        guard let p = c.state.content.retentionPolicies.first(where: { $0.id == id }) else {
            throw BoxErrorReply.notFound()
        }
        return p
    }

    private static func oneOf(_ c: RequestContext, _ name: String, _ allowed: [String]) throws -> String? {
        guard let v = c.query(name) else { return nil }
        guard allowed.contains(v) else {
            throw BoxErrorReply.invalidParameter(
                name, "Invalid value '\(v)'. Allowed: \(allowed.joined(separator: ", "))")
        }
        return v
    }
}
