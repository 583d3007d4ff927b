/// The rows of groups, group memberships and email aliases (issue 15) in the table of Box
/// operations. Composites over them (groups.find, groups.remove_member, add_email_alias's
/// positional email) are in box.lua.
import JSON

extension BoxOperations {
    /// This file's rows, in the order `help()` lists them.
    static let groupRows: [BoxOperation] = [
        groupsList, groupsGet, groupsCreate, groupsUpdate, groupsDelete, groupsMembers, groupsAddMember,
        membershipsGet, membershipsUpdate, membershipsDelete, usersEmailAliases, usersAddEmailAlias,
        usersRemoveEmailAlias,
    ]

    public static let groupsList = BoxOperation(
        "groups.list", "GET", "/2.0/groups",
        arguments: [.options(required: false)], options: [.init("filter_term", .string), fields],
        paging: .offset(limit: 1000),
        doc: .init(
            "box.groups.list{filter_term=, fields=} -> iterator of groups",
            "iterate over the enterprise's groups, fetching pages only as the loop asks",
            "Offset paging, 1000 groups a request. filter_term keeps the groups whose name starts with it."))

    public static let groupsGet = BoxOperation(
        "groups.get", "GET", "/2.0/groups/{group_id}",
        arguments: [.id(.group, to: .path("group_id")), .options(required: false)], options: [fields],
        subject: .init(.group, at: .path("group_id")),
        doc: .init(
            "box.groups.get(id, {fields=}) -> group", "one group by id, with its full fields",
            "Raises a Box error (status 404, code not_found) for an unknown id."))

    public static let groupsCreate = BoxOperation(
        "groups.create", "POST", "/2.0/groups",
        arguments: [.body(required: [.init("name")])],
        effect: .change, dryRun: .created(type: "group"), check: .createdGroupExists,
        doc: .init(
            "box.groups.create{name=, description=, provenance=, external_sync_identifier=, ...} -> group",
            "create a group (any POST /groups field)",
            "A name another group has (ignoring case) raises a 409 conflict error."))

    public static let groupsUpdate = BoxOperation(
        "groups.update", "PUT", "/2.0/groups/{group_id}",
        arguments: [.id(.group, to: .path("group_id")), .body(required: [])],
        effect: .change, subject: .init(.group, at: .path("group_id")),
        dryRun: .mergedSubject, check: .subjectHasFields,
        doc: .init(
            "box.groups.update(id, {name=, description=, ...}) -> group", "change fields of a group",
            "In a dry run: the group as read now, merged with the changes."))

    public static let groupsDelete = BoxOperation(
        "groups.delete", "DELETE", "/2.0/groups/{group_id}",
        arguments: [.id(.group, to: .path("group_id"))],
        effect: .delete, subject: .init(.group, at: .path("group_id")),
        returns: .true, dryRun: .noContent, check: .subjectGone,
        doc: .init(
            "box.groups.delete(group_or_id) -> true", "delete a group (its memberships end with it)",
            "Not counted by --max-deletes, which counts deleted users."))

    public static let groupsMembers = BoxOperation(
        "groups.members", "GET", "/2.0/groups/{group_id}/memberships",
        arguments: [.id(.group, to: .path("group_id"))],
        subject: .init(.group, at: .path("group_id")), paging: .offset(limit: 1000),
        doc: .init(
            "box.groups.members(group_or_id) -> iterator of memberships",
            "the memberships of a group: each has id, user (id, name, login) and role (member or admin)"))

    public static let groupsAddMember = BoxOperation(
        "groups.add_member", "POST", "/2.0/group_memberships",
        arguments: [
            .id(.group, to: .body(["group", "id"])), .id(.user, to: .body(["user", "id"])), .options(required: false),
        ],
        options: [.init("role", .string, to: .body(["role"]))],
        effect: .change, subject: .init(.group, at: .body(["group", "id"])),
        dryRun: .created(type: "group_membership"), check: .membershipExists,
        doc: .init(
            "box.groups.add_member(group_or_id, user_or_id, {role=\"member\"}) -> membership",
            "add a user to a group as member or admin",
            "A user already in the group raises a 409 conflict error."))

    public static let membershipsGet = BoxOperation(
        "memberships.get", "GET", "/2.0/group_memberships/{group_membership_id}",
        arguments: [.id(.membership, to: .path("group_membership_id"))],
        subject: .init(.membership, at: .path("group_membership_id")),
        doc: .init("box.memberships.get(id) -> membership", "one group membership by id"))

    public static let membershipsUpdate = BoxOperation(
        "memberships.update", "PUT", "/2.0/group_memberships/{group_membership_id}",
        arguments: [.id(.membership, to: .path("group_membership_id")), .body(required: [])],
        effect: .change, subject: .init(.membership, at: .path("group_membership_id")),
        dryRun: .mergedSubject, check: .subjectHasFields,
        doc: .init(
            "box.memberships.update(id, {role=}) -> membership", "change a member's role (member or admin)"))

    public static let membershipsDelete = BoxOperation(
        "memberships.delete", "DELETE", "/2.0/group_memberships/{group_membership_id}",
        arguments: [.id(.membership, to: .path("group_membership_id"))],
        effect: .delete, subject: .init(.membership, at: .path("group_membership_id")),
        returns: .true, dryRun: .noContent, check: .subjectGone,
        doc: .init("box.memberships.delete(id) -> true", "take a user out of a group (the membership's id)"))

    public static let usersEmailAliases = BoxOperation(
        "users.email_aliases", "GET", "/2.0/users/{user_id}/email_aliases",
        arguments: [.id(.user, to: .path("user_id"))],
        subject: .init(.user, at: .path("user_id")), returns: .entries,
        doc: .init(
            "box.users.email_aliases(user_or_id) -> array of {id, email, is_confirmed}",
            "a user's email aliases (the login is not one)"))

    public static let usersAddEmailAlias = BoxOperation(
        "users.add_email_alias", "POST", "/2.0/users/{user_id}/email_aliases",
        arguments: [.id(.user, to: .path("user_id")), .text(to: .body(["email"]))],
        effect: .change, subject: .init(.user, at: .path("user_id")),
        dryRun: .created(type: "email_alias"), check: .aliasExists,
        doc: .init(
            "box.users.add_email_alias(user_or_id, email) -> alias", "add an email alias to a user",
            """
            The domain must be one the enterprise has verified (else 400). An alias an admin adds is
            confirmed; a login can change (box.users.update) only to a confirmed alias.
            """))

    /// A change of the user (guarded as one), not a delete: --max-deletes counts users.
    public static let usersRemoveEmailAlias = BoxOperation(
        "users.remove_email_alias", "DELETE", "/2.0/users/{user_id}/email_aliases/{email_alias_id}",
        arguments: [.id(.user, to: .path("user_id")), .id(.emailAlias, to: .path("email_alias_id"))],
        effect: .change, subject: .init(.user, at: .path("user_id")),
        returns: .true, dryRun: .noContent, check: .aliasGone,
        doc: .init("box.users.remove_email_alias(user_or_id, alias_id) -> true", "remove an email alias from a user"))
}

extension BoxOperations {
    /// The row that reads one record of a kind (for a dry run's merged answer and label, and
    /// for checking an unknown outcome); nil for kinds without one.
    public static func reader(of kind: BoxOperation.SubjectKind) -> BoxOperation? {
        switch kind {
        case .user: return usersGet
        case .group: return groupsGet
        case .membership: return membershipsGet
        default: return nil
        }
    }
}
