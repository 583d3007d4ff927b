/// What a dry run answers in place of Box: plausible results, so a script carries on as it
/// would live (CONTRACT.md: "the user merged with the changes; true; a placeholder folder").
import BoxClient
import JSON

public enum DryRunResults {
    /// The id segment of `/2.0/users/{id}` and `/2.0/users/{id}/folders/0`.
    public static func userID(inPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 3, parts[0] == "2.0", parts[1] == "users" else { return nil }
        let id = String(parts[2])
        return id.allSatisfy(\.isNumber) ? id : nil
    }

    /// The answer for one intercepted change: HTTP status and body (nil for an empty body).
    /// `answer` is the change's row's (``BoxOperation/DryRunAnswer/echo`` for `box.request`);
    /// `current` is the subject as read from Box now, when the answer needs it.
    public static func response(
        _ answer: BoxOperation.DryRunAnswer, method: String, path: String, body: JSON?, current: JSON?, seq: Int,
        now: String
    ) -> (status: Int, body: JSON?) {
        switch answer {
        case .mergedSubject:
            var user =
                current?.objectValue ?? JSONObject([("type", "user"), ("id", .string(userID(inPath: path) ?? ""))])
            if let changes = body?.objectValue {
                for (k, v) in changes where k != "notify" { user[k] = v }
            }
            user["modified_at"] = .string(now)
            return (200, .object(user))
        case .noContent:
            return (204, nil)
        case .transferFolder:
            let to = body?["owned_by"]?["id"]?.stringValue ?? ""
            let name = current?["name"]?.stringValue ?? "user \(userID(inPath: path) ?? "")"
            return (
                200,
                .object(
                    JSONObject([
                        ("type", "folder"), ("id", .string("dry-run-folder-\(seq)")),
                        ("name", .string("\(name)'s Files and Folders")),
                        ("owned_by", .object(JSONObject([("type", "user"), ("id", .string(to))]))),
                        ("created_at", .string(now)), ("modified_at", .string(now)),
                        ("item_status", "active"), ("dry_run", true),
                    ]))
            )
        case .createdUser:
            var user = JSONObject([("type", "user"), ("id", .string("dry-run-user-\(seq)"))])
            if let fields = body?.objectValue {
                for (k, v) in fields { user[k] = v }
            }
            if user["status"] == nil { user["status"] = "active" }
            if user["login"] == nil, let ext = body?["external_app_user_id"]?.stringValue {
                user["login"] = .string("AppUser_dry-run_\(ext)@boxdevedition.com")
            }
            user["created_at"] = .string(now)
            user["modified_at"] = .string(now)
            user["dry_run"] = true
            return (201, .object(user))
        case .accepted(let message):
            return (202, .object(JSONObject([("message", .string(message)), ("dry_run", true)])))
        case .created(let type):
            var record = JSONObject([("type", .string(type)), ("id", .string("dry-run-\(type)-\(seq)"))])
            if let fields = body?.objectValue {
                for (k, v) in fields { record[k] = v }
            }
            record["created_at"] = .string(now)
            record["modified_at"] = .string(now)
            record["dry_run"] = true
            return (201, .object(record))
        case .createdInvite:
            return (
                200,
                .object(
                    JSONObject([
                        ("type", "invite"), ("id", .string("dry-run-invite-\(seq)")),
                        (
                            "invited_to",
                            .object(JSONObject([("type", "enterprise"), ("id", body?["enterprise"]?["id"] ?? .null)]))
                        ),
                        (
                            "actionable_by",
                            .object(
                                JSONObject([("type", "user"), ("login", body?["actionable_by"]?["login"] ?? .null)]))
                        ),
                        ("status", "pending"), ("created_at", .string(now)), ("modified_at", .string(now)),
                        ("dry_run", true),
                    ]))
            )
        case .echo:
            if method == "DELETE" { return (204, nil) }
            var echo = body?.objectValue ?? JSONObject()
            echo["dry_run"] = true
            return (method == "POST" ? 201 : 200, .object(echo))
        }
    }
}
