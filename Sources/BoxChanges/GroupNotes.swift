/// What a run has learnt of groups and memberships (from the records a script passed and the
/// records Box returned), so that their changes are labelled with names, not bare ids.
import BoxClient
import JSON

public struct GroupNotes: Sendable {
    var names: [String: String] = [:]
    var memberships: [String: (group: SubjectPart?, user: SubjectPart?)] = [:]
}

extension ChangeControl {
    /// Remembers a record's names: a user's login, a group's name, a membership's group and
    /// user (and theirs). Other records are ignored.
    public func note(record r: JSON) {
        guard let id = r["id"]?.stringValue else { return }
        switch r["type"]?.stringValue {
        case "user": note(userID: id, login: r["login"]?.stringValue)
        case "group": if let name = r["name"]?.stringValue { groupNotes.names[id] = name }
        case "group_membership":
            if let g = r["group"], g != .null { note(record: g.with(type: "group")) }
            if let u = r["user"], u != .null { note(record: u.with(type: "user")) }
            let group = r["group"]?["id"]?.stringValue.map { SubjectPart(id: $0, text: groupNotes.names[$0]) }
            let user = r["user"]?["id"]?.stringValue.map { SubjectPart(id: $0, text: logins[$0]) }
            groupNotes.memberships[id] = (group, user)
        default: return
        }
    }

    /// A dry run's answer to a change of a group or membership: its record is read (for real)
    /// when the answer merges it or the line cannot name it yet.
    func answerGroupDryRun(
        _ request: BoxRequest, _ subject: OperationSubject, _ answer: BoxOperation.DryRunAnswer,
        warnings: [String], _ decide: @escaping (MutationDecision) -> Void
    ) {
        guard let reader = BoxOperations.reader(of: subject.kind),
            answer.needsCurrentSubject || !knowsLabel(of: subject)
        else { return record(request, answer, current: nil, warnings: warnings, decide) }
        client.start(reader.request(subject.id, asUser: request.asUser)) { result in
            switch result {
            case .success(let r):
                let json = try? r.json()
                if let json { self.note(record: json) }
                self.record(request, answer, current: json, warnings: warnings, decide)
            case .failure(let e):
                // Live, the change would fail the same way: say so now.
                decide(.refuse(e))
            }
        }
    }

    /// Whether a dry-run line can name the subject without reading it.
    func knowsLabel(of subject: OperationSubject) -> Bool {
        switch subject.kind {
        case .user: return logins[subject.id] != nil
        case .group: return groupNotes.names[subject.id] != nil
        case .membership: return groupNotes.memberships[subject.id] != nil
        default: return true
        }
    }

    /// The subject of a group or membership change; nil for the others.
    func groupSubject(of request: BoxRequest) -> ChangeSubject? {
        guard let operation = request.operation?.operation else { return nil }
        let subject = request.subject
        var kind = subject?.kind ?? .user
        if case .created(type: "group") = operation.dryRun { kind = .group }
        switch kind {
        case .group:
            let user = request.body?["user"]?["id"]?.stringValue.map { SubjectPart(id: $0, text: logins[$0]) }
            guard let id = subject?.id else { return .group(id: nil, name: request.body?["name"]?.stringValue) }
            return .group(id: id, name: groupNotes.names[id], user: user)
        case .membership:
            guard let id = subject?.id else { return nil }
            let parts = groupNotes.memberships[id]
            return .membership(
                id: id, group: parts?.group.map { SubjectPart(id: $0.id, text: groupNotes.names[$0.id]) },
                user: parts?.user.map { SubjectPart(id: $0.id, text: logins[$0.id]) })
        default:
            return nil
        }
    }

    /// `--max-deletes` counts deleted users, not groups or memberships.
    static func deletesUser(_ request: BoxRequest) -> Bool {
        request.operation?.operation.effect == .delete && request.subject?.kind == .user
    }
}

extension JSON {
    /// The object with `type` set when it has none (Box's minis in a membership may omit it).
    fileprivate func with(type: String) -> JSON {
        guard case .object(var o) = self else { return self }
        if o["type"] == nil { o["type"] = .string(type) }
        return .object(o)
    }
}
