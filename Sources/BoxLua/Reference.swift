/// The Lua API reference: the one source for `help()`, `help(fn)` and README's reference section.
/// Box operations' entries are their rows' (BoxClient's BoxOperations.swift); the composites' are here.
///
/// A test compares README.md's generated section with `APIReference.markdown()`, so the two
/// never drift (`BOXLUA_REGENERATE_README=1 swift test --filter readmeReference` rewrites it).
import BoxClient

public struct APIEntry: Sendable {
    public let name: String
    public let signature: String
    public let summary: String
    public let details: String
}

public enum APIReference {
    /// The table of Box operations' entries (each row's own), with the composites' placed
    /// after the entry they follow, then the helpers.
    public static let entries: [APIEntry] = boxEntries() + helpers

    static func boxEntries() -> [APIEntry] {
        var out: [APIEntry] = []
        func add(_ e: APIEntry) {
            out.append(e)
            for c in composites where c.follows == e.name { add(c.entry) }
        }
        for row in BoxOperations.all {
            add(
                APIEntry(
                    name: "box." + row.name, signature: row.doc.signature, summary: row.doc.summary,
                    details: row.doc.details))
        }
        for c in composites where c.follows == nil { add(c.entry) }
        return out
    }

    /// The functions box.lua composes from the rows (and box.request, box.parallel, ...);
    /// `follows`: the entry each is listed after (nil: after the table's).
    static let composites: [(follows: String?, entry: APIEntry)] = [
        (
            "box.users.list",
            APIEntry(
                name: "box.users.all",
                signature: "box.users.all{...same as list...} -> array of users",
                summary: "every matching user in one array",
                details: "Same options as box.users.list; reads every page before returning.")
        ),
        (
            "box.users.me",
            APIEntry(
                name: "box.users.find",
                signature: "box.users.find(login) -> user or nil",
                summary: "the user whose login matches exactly, ignoring case",
                details: "Searches managed and external users with filter_term, then keeps the exact match.")
        ),
        (
            "box.users.create",
            APIEntry(
                name: "box.users.create_app_user",
                signature: "box.users.create_app_user{name=, external_app_user_id=, ...} -> user",
                summary: "create an app user (is_platform_access_only)",
                details: "Box generates the login (AppUser_...@boxdevedition.com).")
        ),
        (
            "box.users.update",
            APIEntry(
                name: "box.users.suspend",
                signature: "box.users.suspend(id) -> user",
                summary: "set status inactive (logs the user out everywhere)",
                details: "Same as box.users.update(id, {status=\"inactive\"}).")
        ),
        (
            "box.users.suspend",
            APIEntry(
                name: "box.users.activate",
                signature: "box.users.activate(id) -> user",
                summary: "set status active",
                details: "Same as box.users.update(id, {status=\"active\"}).")
        ),
        (
            "box.users.memberships",
            APIEntry(
                name: "box.users.owned_folders",
                signature: "box.users.owned_folders(user_or_id) -> array of folders",
                summary: "the folders in the user's All Files that the user owns (not those shared with them)",
                details: """
                    Read As-User the user (an admin sign-in). Each folder has id, name, size, owned_by,
                    created_at and modified_at.
                    """)
        ),
        (
            "box.users.owned_folders",
            APIEntry(
                name: "box.users.collaborations",
                signature:
                    "box.users.collaborations(user_or_id) -> array of {folder=, collaboration=, collaborator=, role=, status=, external=}",
                summary: "every collaboration on the folders the user owns: who loses access when the user goes",
                details: """
                    collaborator is the user (id, name, login) or group; status is accepted or pending;
                    external is true when the collaborator's login domain is not the owner's.
                    """)
        ),
        (
            "box.users.collaborations",
            APIEntry(
                name: "box.users.holds",
                signature: "box.users.holds(user_or_id) -> array of {kind=, policy=, reason=}",
                summary:
                    "the legal holds (kind legal_hold) and retention policies (kind retention) that make Box refuse to delete the user",
                details: """
                    Box refuses (403 forbidden, even with force=true) while the user owns content and the
                    enterprise has any legal hold that is not released or any retention policy, whether
                    or not it covers that content; a content transfer lifts it. Empty for a user who owns
                    nothing. Policies that name the user or cover their folders come first.
                    """)
        ),
        (
            "box.groups.get",
            APIEntry(
                name: "box.groups.find",
                signature: "box.groups.find(name) -> group or nil",
                summary: "the group whose name matches exactly, ignoring case",
                details: "Lists the groups whose name starts with it (filter_term), then keeps the exact match.")
        ),
        (
            "box.groups.add_member",
            APIEntry(
                name: "box.groups.remove_member",
                signature: "box.groups.remove_member(group_or_id, user_or_id) -> true, or false when not a member",
                summary: "take a user out of a group",
                details: "Finds the membership among the user's groups (box.users.memberships), then deletes it.")
        ),
        (
            nil,
            APIEntry(
                name: "box.last_logins",
                signature: "box.last_logins{days=180} -> table: user id -> time",
                summary: "the time of each user's newest LOGIN event in the last `days` days",
                details: "Users with no LOGIN event in the window are absent from the table.")
        ),
        (
            nil,
            APIEntry(
                name: "box.deprovision",
                signature:
                    "box.deprovision(user_or_id, {transfer_to=, delete=true, downgrade=false, groups=\"keep\", force=false, notify=false}) -> report",
                summary: "Box's deprovisioning order: set inactive, transfer owned content, delete (or downgrade)",
                details: """
                    The report has user, ok, and steps (an array of {step=, ok=, error=}). A failed
                    step leaves the later steps undone and says so (ok=false, skipped=true). Refuses
                    to delete the signed-in user or the transfer_to user. groups="remove" first takes
                    the user out of every group (step remove_from_groups; report.groups names them).
                    downgrade=true rolls the account out of the enterprise to a free one (PUT
                    /users/{id} enterprise=null) instead of deleting it. report.collaborators lists who
                    loses access (box.users.collaborations, read first). A forced delete with no transfer
                    before it that a hold makes Box refuse is not attempted: the delete step has
                    skipped=true and reason, report.holds lists the holds (box.users.holds).
                    """)
        ),
        (
            nil,
            APIEntry(
                name: "box.request",
                signature: "box.request(method, path, {query=, body=, headers=}) -> decoded body",
                summary: "call any Box endpoint (sign-in, retries and dry run apply)",
                details: """
                    path is relative to the API root, e.g. "/2.0/groups". A non-GET is a change. The path is
                    sent in one clean form ('.', '..' and '//' resolved, escapes of unreserved characters
                    decoded), which the guards check; a path with none ('..' above /2.0, '%2F') is an error.
                    """)
        ),
        (
            nil,
            APIEntry(
                name: "box.parallel",
                signature: "box.parallel(items, fn, {workers=8}) -> array of {ok=true, value=} or {ok=false, error=}",
                summary: "run fn(item) for each item with up to `workers` Box calls in flight together",
                details: """
                    Results come back in item order. A 429 seen by one worker pauses all for its
                    Retry-After. Dry run, plans, audit log and --max-deletes behave as in a loop; inside
                    box.as_user, every worker's calls are made As-User too.
                    """)
        ),
        (
            nil,
            APIEntry(
                name: "box.as_user",
                signature: "box.as_user(user_or_id, fn) -> fn's results",
                summary: "run fn with every Box call made As-User",
                details:
                    "Needs an admin or service-account sign-in. Holds for everything fn starts: box.parallel workers and coroutines."
            )
        ),
        (
            nil,
            APIEntry(
                name: "box.dry_run",
                signature: "box.dry_run -> boolean",
                summary: "true when changes are recorded, not sent (--dry-run or --plan)",
                details: "")
        ),
    ]

    static let helpers: [APIEntry] = [
        APIEntry(
            name: "csv.read",
            signature: "csv.read(path, {sep=, header=true, columns=}) -> rows (rows.header lists the columns)",
            summary: "read a CSV file into rows keyed by header",
            details: "UTF-8 with or without BOM, UTF-16 with BOM, CRLF, quoted fields, PowerShell's #TYPE line."
                + " header=false: no header line, each row is an array of its fields (Box's bulk files);"
                + " columns={...} names the columns of a file without a header line."),
        APIEntry(
            name: "csv.write",
            signature: "csv.write(path, rows, {columns=, sep=})",
            summary: "write rows (tables keyed by column) as RFC 4180 CSV",
            details: "columns defaults to rows.header, else the sorted keys of the first row. A file is replaced"
                + " atomically keeping its mode; a link is kept; \"-\", /dev/stdout, a pipe or a device is written in place."
        ),
        APIEntry(
            name: "json.encode",
            signature: "json.encode(value, {indent=}) -> string",
            summary: "a Lua value as JSON",
            details: "Tables with keys 1..n become arrays, string keys objects; json.null is null."
                + " indent=N: one value a line, nested N spaces, keys sorted."),
        APIEntry(
            name: "json.decode",
            signature: "json.decode(text) -> value",
            summary: "JSON text as a Lua value",
            details: "Integers stay integers; null becomes nil in objects and json.null in arrays."),
        APIEntry(
            name: "json.empty_object",
            signature: "json.empty_object() / json.null",
            summary: "an empty table that encodes as {} (an empty table is []), and JSON's null",
            details: "json.null stands for null inside arrays, where nil would leave a hole."),
        APIEntry(
            name: "log.info",
            signature: "log.info(fmt, ...)",
            summary: "a timestamped INFO line on stderr (string.format rules)",
            details: "--quiet drops it."),
        APIEntry(
            name: "log.warn",
            signature: "log.warn(fmt, ...)",
            summary: "a timestamped WARN line on stderr (string.format rules)",
            details: "--quiet drops it."),
        APIEntry(
            name: "log.error",
            signature: "log.error(fmt, ...)",
            summary: "a timestamped ERROR line on stderr (string.format rules)",
            details: "Printed even with --quiet; it does not stop the script (use error() for that)."),
        APIEntry(
            name: "show",
            signature: "show(rows, {columns..., format=\"table\"})",
            summary: "print rows on stdout: an aligned table, or CSV or JSON Lines for another program",
            details:
                "columns defaults to the sorted keys of the first row. format=\"csv\" prints what csv.write(\"-\", rows, {columns=}) writes; format=\"json\" one JSON object a row, with every column (null when absent). boxlua -e 'show(box.users.all{fields=\"status\"}, {format=\"csv\"})' > users.csv"
        ),
        APIEntry(
            name: "help",
            signature: "help([fn])",
            summary: "this reference, or the entry of one function",
            details: "help(box.users.delete) or help(\"box.users.delete\")."),
    ]

    public static func entry(named name: String) -> APIEntry? {
        entries.first { $0.name == name }
    }

    /// The listing `help()` prints.
    public static func overview() -> String {
        let width = entries.map(\.name.count).max() ?? 0
        var out = "boxlua Lua API (help(fn) for one entry):\n"
        for e in entries {
            out += "  " + e.name + String(repeating: " ", count: width - e.name.count + 2) + e.summary + "\n"
        }
        return out
    }

    /// The text `help(fn)` prints.
    public static func describe(_ e: APIEntry) -> String {
        var out = e.signature + "\n  " + e.summary + "\n"
        if !e.details.isEmpty {
            out += e.details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(
                separator: "\n")
            out += "\n"
        }
        return out
    }

    /// README's "Lua API reference" section body.
    public static func markdown() -> String {
        var out = ""
        for e in entries {
            out += "- `\(e.signature)`: \(e.summary).\n"
            if !e.details.isEmpty {
                let flat = e.details.split(separator: "\n").map { $0.trimmingSpaces() }.joined(separator: " ")
                out += "  \(flat)\n"
            }
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
