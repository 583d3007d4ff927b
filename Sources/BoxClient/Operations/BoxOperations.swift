/// The table of Box operations: one row per operation, the only place an operation's name,
/// request, arguments, effect, dry-run answer, outcome check and reference entry are written.
///
/// Adding an operation: a row here (and in `all`), its route in the sandbox, and a test of it
/// through the `boxlua` Lua function the row makes (README, "Development").
import JSON

public enum BoxOperations {
    /// Every row, in the order `help()` and README list them.
    public static let all: [BoxOperation] =
        [
            usersList, usersGet, usersMe, usersCreate, usersUpdate, usersDelete, usersTransferContent,
            usersTerminateSessions, usersMemberships, invitesCreate, invitesGet, eventsAdminLogs,
            foldersCollaborations, collaborationsUpdate, collaborationsDelete,
        ] + groupRows

    static let fields = BoxOperation.Option("fields", .fields)

    public static let usersList = BoxOperation(
        "users.list", "GET", "/2.0/users",
        arguments: [.options(required: false)],
        options: [
            .init("filter_term", .string), .init("user_type", .string), .init("external_app_user_id", .string),
            fields, .init("page_size", .positiveInteger, to: .query("limit"), max: 1000),
        ],
        paging: .marker(maxLimit: 1000),
        doc: .init(
            "box.users.list{filter_term=, user_type=, external_app_user_id=, fields=, page_size=} -> iterator",
            "iterate over the enterprise's users, fetching pages only as the loop asks",
            """
            Marker paging (usemarker), `page_size` users per request (default 1000, the maximum).
            `break` stops fetching. `user_type` is all, managed or external; external users
            match only an exact `filter_term` login. `fields` is an array or a comma-separated
            string; id, type, name and login are always included.
              for u in box.users.list{fields={"status","role"}} do print(u.login, u.status) end
            """))

    public static let usersGet = BoxOperation(
        "users.get", "GET", "/2.0/users/{user_id}",
        arguments: [.id(.user, to: .path("user_id")), .options(required: false)], options: [fields],
        subject: .init(.user, at: .path("user_id")),
        doc: .init(
            "box.users.get(id, {fields=}) -> user", "one user by id",
            "Raises a Box error (status 404, code not_found) for an unknown id."))

    public static let usersMe = BoxOperation(
        "users.me", "GET", "/2.0/users/me",
        arguments: [.options(required: false)], options: [fields],
        doc: .init(
            "box.users.me({fields=}) -> user",
            "the signed-in user (the service account for JWT and Client Credentials)",
            "Inside box.as_user, the user being impersonated."))

    public static let usersCreate = BoxOperation(
        "users.create", "POST", "/2.0/users",
        arguments: [.body(required: [.init("name"), .init("login", unless: "is_platform_access_only")])],
        effect: .change, dryRun: .createdUser, check: .createdUserExists,
        doc: .init(
            "box.users.create{name=, login=, role=, status=, ...} -> user",
            "create a managed user (any POST /users field)",
            "A login already in use raises a 409 user_login_already_used error."))

    public static let usersUpdate = BoxOperation(
        "users.update", "PUT", "/2.0/users/{user_id}",
        arguments: [.id(.user, to: .path("user_id")), .body(required: [])],
        effect: .change, subject: .init(.user, at: .path("user_id")),
        dryRun: .mergedSubject, preview: .fieldChanges, check: .subjectHasFields,
        doc: .init(
            "box.users.update(id, {status=, role=, name=, ...}) -> user",
            "change fields of a user (any PUT /users/{id} field)",
            "In a dry run: the user as read now, merged with the changes; nothing is sent."))

    /// `force` and `notify` travel in the query: Box ignores them in a body.
    public static let usersDelete = BoxOperation(
        "users.delete", "DELETE", "/2.0/users/{user_id}",
        arguments: [.id(.user, to: .path("user_id")), .options(required: false)],
        options: [.init("force", .flag, absent: "false"), .init("notify", .flag, absent: "false")],
        effect: .delete, subject: .init(.user, at: .path("user_id")),
        returns: .true, dryRun: .noContent, preview: .trueFlags(["force"]), refusals: [.subjectOwnsContent],
        check: .subjectGone,
        doc: .init(
            "box.users.delete(id, {force=false, notify=false}) -> true", "delete a user",
            """
            Fails with 400 bad_request "User has managed content" while the user owns content,
            unless force=true (which deletes their files too: transfer first). Counts toward
            --max-deletes in a live run. Refused for the signed-in user, a --protect user and a
            transfer destination of this run. User ids are digits (anything else is an argument error).
            """))

    /// Box answers a content transfer after up to 10 minutes.
    public static let usersTransferContent = BoxOperation(
        "users.transfer_content", "PUT", "/2.0/users/{user_id}/folders/0",
        arguments: [
            .id(.user, to: .path("user_id")), .id(.user, to: .body(["owned_by", "id"])), .options(required: false),
        ],
        options: [.init("notify", .flag, absent: "false")],
        rules: [.differentIDs("cannot transfer a user's content to the same user")],
        effect: .change, subject: .init(.user, at: .path("user_id")), contentGoesTo: ["owned_by", "id"],
        dryRun: .transferFolder, preview: .contentTo, check: .subjectOwnsNothing, timeout: 900,
        doc: .init(
            "box.users.transfer_content(from_id, to_id, {notify=false}) -> folder",
            "move everything from_id owns into a new folder owned by to_id",
            "PUT /users/{from_id}/folders/0; returns the new folder in to_id's root."))

    /// Box requires both lists; the unused one goes as [].
    public static let usersTerminateSessions = BoxOperation(
        "users.terminate_sessions", "POST", "/2.0/users/terminate_sessions",
        arguments: [.options(required: true)],
        options: [
            .init("user_ids", .idList, to: .body(["user_ids"]), absent: []),
            .init("user_logins", .stringList, to: .body(["user_logins"]), absent: []),
        ],
        rules: [.atLeastOne(["user_ids", "user_logins"])],
        effect: .change, returns: .message,
        dryRun: .accepted("Request is successful, please check the admin events for the status of the job"),
        check: .cannotCheck("Box cannot tell whether sessions were ended, so this cannot be checked"),
        doc: .init(
            "box.users.terminate_sessions{user_ids=, user_logins=} -> message",
            "log users out of every session (asynchronous on Box's side)", "Either list may be omitted."))

    public static let usersMemberships = BoxOperation(
        "users.memberships", "GET", "/2.0/users/{user_id}/memberships",
        arguments: [.id(.user, to: .path("user_id"))],
        subject: .init(.user, at: .path("user_id")), paging: .offset(limit: 1000),
        doc: .init(
            "box.users.memberships(id) -> iterator of group memberships", "the groups a user belongs to",
            "Each membership has group.id, group.name and role (member or admin)."))

    /// Box reads an invite only by its id (shared/notes/box-api.md, "POST /invites").
    public static let invitesCreate = BoxOperation(
        "invites.create", "POST", "/2.0/invites",
        arguments: [.options(required: true)],
        options: [
            .init("enterprise_id", .id, to: .body(["enterprise", "id"])),
            .init("login", .string, to: .body(["actionable_by", "login"]), required: true),
        ],
        effect: .change, dryRun: .createdInvite,
        check: .cannotCheck("Box cannot list invites, so whether this invite went out cannot be checked"),
        doc: .init(
            "box.invites.create{enterprise_id=, login=} -> invite", "invite an existing Box user into the enterprise",
            "enterprise_id defaults to the signed-in user's enterprise."))

    public static let invitesGet = BoxOperation(
        "invites.get", "GET", "/2.0/invites/{invite_id}",
        arguments: [.id(.invite, to: .path("invite_id"))],
        subject: .init(.invite, at: .path("invite_id")),
        doc: .init(
            "box.invites.get(id) -> invite", "an invite by id, to see its status",
            "Raises a Box error (status 404, code not_found) for an unknown id."))

    public static let eventsAdminLogs = BoxOperation(
        "events.admin_logs", "GET", "/2.0/events",
        arguments: [.options(required: false)],
        options: [.init("event_type", .list), .init("created_after", .time), .init("created_before", .time)],
        fixedQuery: [("stream_type", "admin_logs")], paging: .stream(limit: 500),
        doc: .init(
            "box.events.admin_logs{event_type=, created_after=, created_before=} -> iterator of events",
            "the enterprise event stream (admin_logs), oldest first",
            """
            event_type is an array or a comma-separated string (LOGIN, FAILED_LOGIN, ...).
            Dates are ISO 8601 strings or Unix seconds. Stream positions stay strings.
            """))

    /// Box pages it by marker without `usemarker`; box.lua reads every page into one array.
    public static let foldersCollaborations = BoxOperation(
        "folders.collaborations", "GET", "/2.0/folders/{folder_id}/collaborations",
        arguments: [.id(.folder, to: .path("folder_id"))],
        subject: .init(.folder, at: .path("folder_id")),
        doc: .init(
            "box.folders.collaborations(folder_id) -> array of collaborations",
            "the pending and accepted collaborations on a folder (not its owner)",
            "Each has id, role, status, accessible_by (the user or group) and item (the folder)."))

    public static let collaborationsUpdate = BoxOperation(
        "collaborations.update", "PUT", "/2.0/collaborations/{collaboration_id}",
        arguments: [.id(.collaboration, to: .path("collaboration_id")), .options(required: true)],
        options: [.init("role", .string, to: .body(["role"])), .init("status", .string, to: .body(["status"]))],
        rules: [.atLeastOne(["role", "status"])],
        effect: .change, subject: .init(.collaboration, at: .path("collaboration_id")),
        dryRun: .echo, check: .cannotCheck("a collaboration's role is not checked, so this is not resent"),
        doc: .init(
            "box.collaborations.update(id, {role=, status=}) -> collaboration",
            "change a collaborator's role (editor, viewer, co-owner, ...) or a pending invite's status",
            "role owner hands the folder to the collaborator (Box answers with no body: true)."))

    /// A collaboration, not a user: a change, not a delete that `--max-deletes` counts.
    public static let collaborationsDelete = BoxOperation(
        "collaborations.delete", "DELETE", "/2.0/collaborations/{collaboration_id}",
        arguments: [.id(.collaboration, to: .path("collaboration_id"))],
        effect: .change, subject: .init(.collaboration, at: .path("collaboration_id")),
        returns: .true, dryRun: .noContent,
        check: .cannotCheck("a removed collaboration is not checked, so this is not resent"),
        doc: .init(
            "box.collaborations.delete(id) -> true", "remove a collaboration: the collaborator loses access",
            "A change like any other: dry run, plans, audit log."))
}
