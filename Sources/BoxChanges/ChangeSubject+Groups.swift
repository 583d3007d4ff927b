/// The subjects of group and membership changes in plans, audit lines and dry-run lines: the
/// group and the user they are about (`{"kind":"group","id":"7","name":"Sales","user":{...}}`).
import JSON

/// A group (id, name) or a user (id, login) a change is about.
public struct SubjectPart: Equatable, Sendable {
    public var id: String
    /// The group's name or the user's login, when known.
    public var text: String?

    public init(id: String, text: String?) {
        self.id = id
        self.text = text
    }

    var label: String { text.map { "\(id) (\($0))" } ?? id }
}

extension ChangeSubject {
    /// A group (its create names it by `name` alone), and the user a membership change adds.
    public static func group(id: String?, name: String?, user: SubjectPart? = nil) -> ChangeSubject {
        var s = ChangeSubject(id: id, login: nil, name: name)
        s.kind = "group"
        s.user = user
        return s
    }

    public static func membership(id: String, group: SubjectPart?, user: SubjectPart?) -> ChangeSubject {
        var s = ChangeSubject(id: id, login: nil)
        s.kind = "membership"
        s.group = group
        s.user = user
        return s
    }

    func addGroupParts(to o: inout JSONObject) {
        guard let kind else { return }
        o["kind"] = .string(kind)
        if let group { o["group"] = .object(part(group, "name")) }
        if let user { o["user"] = .object(part(user, "login")) }
    }

    private func part(_ p: SubjectPart, _ textKey: String) -> JSONObject {
        var o = JSONObject([("id", .string(p.id))])
        if let text = p.text { o[textKey] = .string(text) }
        return o
    }

    mutating func readGroupParts(_ json: JSON?) {
        kind = json?["kind"]?.stringValue
        guard kind != nil else { return }
        group = json?["group"]?["id"]?.stringValue.map {
            SubjectPart(id: $0, text: json?["group"]?["name"]?.stringValue)
        }
        user = json?["user"]?["id"]?.stringValue.map { SubjectPart(id: $0, text: json?["user"]?["login"]?.stringValue) }
    }

    /// A membership change belongs with its user's other changes (apply skips the rest of a
    /// deprovisioning whose group removal failed, as the live run does); a group's with the group.
    var groupKey: String? {
        if let user { return "id:\(user.id)" }
        if let id { return "\(kind ?? "group"):\(id)" }
        return name.map { "group-name:\($0.lowercased())" }
    }

    /// `group 7 (Sales)`, `group 7 (Sales), user 42 (jdoe@example.com)`, `group "New"`,
    /// `membership 9 (user 42 (jdoe@example.com) in group 7 (Sales))`; nil for a user.
    var groupLabel: String? {
        switch kind {
        case "group":
            let g = id.map { SubjectPart(id: $0, text: name).label } ?? "\"\(name ?? "")\""
            return "group \(g)" + (user.map { ", user \($0.label)" } ?? "")
        case "membership":
            let parts = [user.map { "user \($0.label)" }, group.map { "group \($0.label)" }].compactMap { $0 }
            return "membership \(id ?? "-")" + (parts.isEmpty ? "" : " (\(parts.joined(separator: " in ")))")
        default:
            return nil
        }
    }
}
