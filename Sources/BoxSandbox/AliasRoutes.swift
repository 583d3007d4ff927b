/// Email aliases: GET and POST /users/{id}/email_aliases, DELETE /users/{id}/email_aliases/{id}.
/// Rules and their sources: README, "The sandbox" (email aliases).
import JSON

enum AliasRoutes {
    static func list(_ c: inout RequestContext) throws -> Reply {
        let user = try allowedUser(c)
        let entries = c.state.emailAliases.filter { $0.userID == user.id }.map(\.json)
        return .json(200, ["total_count": .int(Int64(entries.count)), "entries": .array(entries)])
    }

    /// An alias must be an address in a domain the enterprise has verified (spec, POST
    /// /users/{id}/email_aliases; box/box-python-sdk#470: Box answers "Invalid value" otherwise)
    /// and used by no one as login or alias. An admin's alias is confirmed at once
    /// (box/boxcli#119); one a user adds for themselves waits for its confirmation email.
    static func add(_ c: inout RequestContext) throws -> Reply {
        let user = try allowedUser(c)
        let body = try c.jsonBody()
        guard let email = body["email"]?.stringValue else {
            throw BoxErrorReply.invalidParameter("email", "'email' is required", reason: "missing_parameter")
        }
        let domain = email.split(separator: "@").last.map { $0.lowercased() } ?? ""
        guard UserFields.isEmail(email), c.state.verifiedDomains.contains(domain) else {
            throw BoxErrorReply.invalidParameter("email", "Invalid value '\(email)'.")
        }
        guard !c.state.emailInUse(email) else {
            throw BoxErrorReply.conflict(
                "Email alias already in use", parameter: "email",
                detail: "Invalid value '\(email)'. The address is already in use")
        }
        let alias = SandboxEmailAlias(
            id: c.state.newObjectID(), userID: user.id, email: email, isConfirmed: c.isPrivileged(c.me))
        c.state.emailAliases.append(alias)
        return .json(201, alias.json)
    }

    static func remove(_ c: inout RequestContext) throws -> Reply {
        let user = try allowedUser(c)
        let id = c.params["email_alias_id"] ?? ""
        guard c.state.emailAliases.contains(where: { $0.id == id && $0.userID == user.id }) else {
            throw BoxErrorReply.notFound()
        }
        c.state.emailAliases.removeAll { $0.id == id }
        return .empty(204)
    }

    /// The path's user, when the caller is an admin or that user; an external user's addresses
    /// are not the enterprise's to manage.
    private static func allowedUser(_ c: RequestContext) throws -> SandboxUser {
        let user = try c.user(c.params["user_id"] ?? "")
        guard (c.isPrivileged(c.me) && !user.isExternal) || c.me.id == user.id else { throw BoxErrorReply.forbidden() }
        return user
    }
}

extension UserWriteRoutes {
    /// A login may change only to one of the user's confirmed aliases (spec, PUT /users/{id}
    /// `login`: an unconfirmed address cannot become the login); the old login stays on the
    /// account as an alias, as Box's "Make Primary" keeps it (kb.wisc.edu/110623).
    static func changeLogin(_ c: RequestContext, user: SandboxUser, to login: String) throws {
        let l = login.lowercased()
        guard
            let alias = c.state.emailAliases.first(where: {
                $0.userID == user.id && $0.email.lowercased() == l
            }), alias.isConfirmed
        else {
            throw BoxErrorReply.invalidParameter(
                "login", "Invalid value '\(login)'. The login can only change to a confirmed email alias of the user")
        }
        c.state.emailAliases.removeAll { $0.id == alias.id }
        c.state.emailAliases.append(
            SandboxEmailAlias(id: c.state.newObjectID(), userID: user.id, email: user.login, isConfirmed: true))
    }
}
