/// The one place that decides what happens to a change before it reaches Box: in a dry run
/// it is recorded and answered, in a live run it passes the guards and is audited.
///
/// It plugs into the client's mutation hook and sent observer, so every change is covered,
/// whichever Lua function (or `box.request`) asked for it, sequential or parallel.
import BoxClient
import JSON

public final class ChangeControl {
    public enum Mode: Sendable { case live, dryRun }

    public let mode: Mode
    public let client: BoxClient
    /// `--max-deletes`: a live run refuses the deletion that would pass it; nil = no limit.
    public let maxDeletes: Int?
    private let audit: AuditLog?
    private let source: String
    private let say: (String) -> Void

    /// Changes recorded by a dry run, in order.
    public private(set) var recorded: [PlannedChange] = []
    /// Live changes sent, by op, with how many failed.
    public private(set) var sent: [String: (ok: Int, failed: Int)] = [:]
    public private(set) var deletesAllowed = 0
    /// Set once the delete guard stopped a change; later deletes are refused too.
    public private(set) var guardTripped = false
    /// Logins of users seen in responses or named by the script, for readable lines.
    var logins: [String: String] = [:]
    /// Group names and memberships' group and user, for readable group subjects.
    var groupNotes = GroupNotes()
    /// Who the run must not change (the signed-in user, `--protect`, transfer destinations).
    public private(set) var changeGuard: ChangeGuard
    /// Changes waiting for the guard's look-up in flight (parallel workers ask together).
    private var waitingForLookUp: [() -> Void]?
    /// Set when an audit line could not be written: every later change is refused.
    public private(set) var auditFailure: String?
    /// Asked in a dry run before a user's deletion is recorded: what makes Box refuse it
    /// (legal holds, retention policies...), shown as warnings.
    public var deleteBlockers: [any DeleteBlockers] = []
    /// Users whose content a dry run has transferred away so far: deleting them after it is
    /// not refused for owned content.
    private var transferredAway: Set<String> = []

    public init(
        client: BoxClient, mode: Mode, maxDeletes: Int?, audit: AuditLog?, source: String,
        protect: [String] = [], say: @escaping (String) -> Void
    ) {
        self.changeGuard = ChangeGuard(protect: protect)
        self.client = client
        self.mode = mode
        self.maxDeletes = maxDeletes
        self.audit = audit
        self.source = source
        self.say = say
        client.mutationHook = { [unowned self] request, decide in self.decide(request, decide) }
        if mode == .live {
            client.sentObserver = { [unowned self] request, result, _ in self.observe(request, result) }
            // A change cut off or answered 5xx is checked on Box before the client sends it again.
            client.changeChecker = ChangeVerifier.checker(client)
        }
    }

    /// Remembers a user's login (from a listing, a get, or a table the script passed).
    public func note(userID: String, login: String?) {
        guard let login, !login.isEmpty else { return }
        logins[userID] = login
    }

    // MARK: deciding

    private func decide(_ request: BoxRequest, _ decide: @escaping (MutationDecision) -> Void) {
        if mode == .live, let failure = auditFailure {
            // A change that could not be logged must not be followed by more.
            return decide(
                .refuse(
                    BoxError(
                        status: 0, code: "audit_log_failed",
                        message: "not sent: the audit log could not be written (\(failure))", method: request.method,
                        url: displayURL(client.settings.baseURL) + request.pathAndQuery)))
        }
        withSignedInUser {
            if self.mode == .dryRun, let why = self.changeGuard.protection(request) {
                // What a live run refuses for whom it touches is a warning here: the preview goes on.
                return self.answerDryRun(request, warnings: ["boxlua will refuse: \(why)"], decide)
            }
            if let refusal = self.guardRefusal(request) { return decide(.refuse(refusal)) }
            if case .dryRun = self.mode {
                self.answerDryRun(request, warnings: [], decide)
            } else {
                if Self.deletesUser(request) { self.deletesAllowed += 1 }
                self.changeGuard.allowed(request)
                decide(.send)
            }
        }
    }

    /// Learns the signed-in user's id and the `--protect` logins' ids (real reads) before a
    /// change; a look-up that failed is tried again at the next change, and until it succeeds
    /// the guard refuses changes to existing users.
    private func withSignedInUser(_ then: @escaping () -> Void) {
        guard changeGuard.needsLookUp else { return then() }
        if waitingForLookUp != nil { return waitingForLookUp!.append(then) }
        waitingForLookUp = [then]
        changeGuard.lookUp(client: client) { updated, seen in
            self.changeGuard.take(lookUp: updated)
            for (id, login) in seen { self.note(userID: id, login: login) }
            let waiting = self.waitingForLookUp ?? []
            self.waitingForLookUp = nil
            waiting.forEach { $0() }
        }
    }

    private func guardRefusal(_ request: BoxRequest) -> BoxError? {
        let url = displayURL(client.settings.baseURL) + request.pathAndQuery
        if let why = changeGuard.refusal(request, label: label) {
            return BoxError(status: 0, code: "refused", message: why, method: request.method, url: url)
        }
        guard Self.deletesUser(request), let id = request.subjectID else { return nil }
        guard mode == .live, let limit = maxDeletes else { return nil }
        if guardTripped || deletesAllowed >= limit {
            guardTripped = true
            return BoxError(
                status: 0, code: "max_deletes",
                message:
                    "stopped before deleting \(label(id)): --max-deletes \(limit) reached (\(deletesAllowed) deleted);"
                    + " review with --dry-run or --plan, then raise --max-deletes or use boxlua apply",
                method: request.method, url: url)
        }
        return nil
    }

    // MARK: dry run

    /// Reads what the dry-run answer, line and warnings need (real reads: the subject user as
    /// Box has it now, a transfer destination's login, the delete blockers' findings), then
    /// records the change and answers it.
    private func answerDryRun(
        _ request: BoxRequest, warnings given: [String], _ decide: @escaping (MutationDecision) -> Void
    ) {
        let row = request.operation?.operation
        let answer = row?.dryRun ?? .echo
        if let subject = request.subject, subject.kind != .user {
            return answerGroupDryRun(request, subject, answer, warnings: given, decide)
        }
        guard let subject = request.subject, subject.kind == .user else {
            return record(request, answer, current: nil, warnings: given, decide)
        }
        let id = subject.id
        let checksContent =
            row?.refusals.contains(.subjectOwnsContent) == true && !transferredAway.contains(id)
            && request.queryValue("force") != "true"
        let readsUser =
            answer.needsCurrentSubject || row?.preview == .fieldChanges || checksContent || logins[id] == nil
        // Blockers are asked about a forced delete with nothing transferred away before it in
        // this run: without force Box answers "User has managed content" first (the warning
        // above), and after a transfer the user owns nothing, which Box deletes held or not.
        let blockers =
            row?.effect == .delete && request.queryValue("force") == "true" && !transferredAway.contains(id)
            ? deleteBlockers : []
        var current: JSON?
        var failure: BoxError?
        var found = [[String]](repeating: [], count: blockers.count)
        var pending = 1
        func finish() {
            pending -= 1
            guard pending == 0 else { return }
            // Live, the change would fail the same way: say so now.
            if let failure { return decide(.refuse(failure)) }
            var warnings = given
            if checksContent, let used = current?["space_used"]?.intValue, used > 0 {
                warnings.append(
                    "Box will refuse: the user still owns content (space_used \(used)) and none of it is"
                        + " transferred before this delete")
            }
            warnings += found.joined().map { "Box will refuse: \($0)" }
            record(request, answer, current: current, warnings: warnings, decide)
        }
        if readsUser {
            pending += 1
            client.start(BoxRequest("GET", "/2.0/users/\(id)", asUser: request.asUser)) { result in
                switch result {
                case .success(let r):
                    current = try? r.json()
                    self.note(userID: id, login: current?["login"]?.stringValue)
                case .failure(let e):
                    failure = e
                }
                // Fields Box leaves out by default (role...) are read on their own for the line.
                let missing = (request.body?.objectValue?.keys ?? []).filter { $0 != "notify" && current?[$0] == nil }
                guard row?.preview == .fieldChanges, failure == nil, !missing.isEmpty else { return finish() }
                let more = BoxRequest(
                    "GET", "/2.0/users/\(id)", query: [("fields", (["id"] + missing.sorted()).joined(separator: ","))],
                    asUser: request.asUser)
                self.client.start(more) { result in
                    if case .success(let r) = result, let fields = (try? r.json())?.objectValue,
                        case .object(var user)? = current
                    {
                        for k in missing { user[k] = fields[k] ?? .null }
                        current = .object(user)
                    }
                    finish()
                }
            }
        }
        if row?.preview == .contentTo, let to = destination(of: request), logins[to] == nil {
            // Only for the line's login: a failed read leaves the id alone.
            pending += 1
            var get = BoxRequest("GET", "/2.0/users/\(to)", query: [("fields", "id,login")])
            get.asUser = ""
            client.start(get) { result in
                if case .success(let r) = result {
                    self.note(userID: to, login: (try? r.json())?["login"]?.stringValue)
                }
                finish()
            }
        }
        for (i, blocker) in blockers.enumerated() {
            pending += 1
            blocker.blockers(ofUser: id, client: client) { reasons in
                found[i] = reasons
                finish()
            }
        }
        finish()
    }

    /// The user a change gives content to (its row's `contentGoesTo`).
    private func destination(of request: BoxRequest) -> String? {
        guard let keys = request.operation?.operation.contentGoesTo else { return nil }
        var to = request.body
        for k in keys { to = to?[k] }
        return to?.stringValue ?? to?.intValue.map { String($0) }
    }

    func record(
        _ request: BoxRequest, _ answer: BoxOperation.DryRunAnswer, current: JSON?, warnings: [String],
        _ decide: (MutationDecision) -> Void
    ) {
        changeGuard.allowed(request)
        let row = request.operation?.operation
        if row?.contentGoesTo != nil, let from = request.subjectID { transferredAway.insert(from) }
        let seq = recorded.count + 1
        let subject = subject(of: request)
        let what = preview(row?.preview ?? .none, request, current: current)
        let change = PlannedChange(
            seq: seq, op: request.op, method: request.method, path: request.path, query: request.query,
            body: request.body, asUser: request.asUser.flatMap { $0.isEmpty ? nil : $0 }, subject: subject,
            preview: what.isEmpty ? nil : what, warnings: warnings)
        recorded.append(change)
        say("[dry-run] \(request.op) \(subject.label)" + (what.isEmpty ? "" : " " + what))
        for w in warnings { say("[dry-run] ! \(request.op) \(subject.label): \(w)") }
        let result = DryRunResults.response(
            answer, method: request.method, path: request.path, body: request.body, current: current,
            seq: seq, now: UTCTime.now())
        var response = BoxResponse(status: result.status, headers: [("box-request-id", "dry-run-\(seq)")])
        if let body = result.body { response = BoxResponse(status: result.status, json: body) }
        decide(.respond(response))
    }

    /// What the dry-run line says the change does: `status: active -> inactive`,
    /// `to 17 (svc@example.com)`, `force`; "" for nothing to add.
    private func preview(_ preview: BoxOperation.Preview, _ request: BoxRequest, current: JSON?) -> String {
        switch preview {
        case .none:
            return ""
        case .fieldChanges:
            guard let fields = request.body?.objectValue else { return "" }
            let changed = fields.keys.filter { $0 != "notify" && current?[$0] != fields[$0] }.sorted()
            if changed.isEmpty { return "(no change)" }
            return changed.map { "\($0): \(Self.shown(current?[$0])) -> \(Self.shown(fields[$0]))" }.joined(
                separator: ", ")
        case .contentTo:
            return destination(of: request).map { "to " + label($0) } ?? ""
        case .trueFlags(let names):
            return names.filter { request.queryValue($0) == "true" }.joined(separator: " ")
        }
    }

    /// A field's value on a dry-run line: strings as they are, absent and null as `(none)`.
    static func shown(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: return "(none)"
        case .string(let s)?: return s
        case let v?: return v.serialized()
        }
    }

    private func subject(of request: BoxRequest) -> ChangeSubject {
        if let group = groupSubject(of: request) { return group }
        if let id = request.subjectID { return ChangeSubject(id: id, login: logins[id]) }
        let login =
            request.body?["login"]?.stringValue ?? request.body?["actionable_by"]?["login"]?.stringValue
            ?? request.body?["user_logins"]?.arrayValue?.first?.stringValue
        let id = request.body?["user_ids"]?.arrayValue?.first?.stringValue
        if login == nil && id == nil && request.body?["is_platform_access_only"] == .bool(true) {
            // An app user has no login: its external_app_user_id, else its name.
            return ChangeSubject(
                id: nil, login: nil, externalAppUserID: request.body?["external_app_user_id"]?.stringValue,
                name: request.body?["name"]?.stringValue)
        }
        return ChangeSubject(id: id, login: login)
    }

    private func label(_ id: String) -> String { ChangeSubject(id: id, login: logins[id]).label }

    // MARK: live

    /// Runs before the Lua call that made the change returns, so its audit line is written
    /// before the script (or the admin) sees the change as done.
    private func observe(_ request: BoxRequest, _ result: Result<BoxResponse, BoxError>) {
        let outcome = ChangeOutcome(result)
        var tally = sent[request.op] ?? (0, 0)
        if outcome.succeeded { tally.ok += 1 } else { tally.failed += 1 }
        sent[request.op] = tally
        do {
            try audit?.record(
                time: UTCTime.now(), op: request.op, method: request.method, path: request.path,
                subject: subject(of: request), outcome: outcome, source: source,
                target: ChangeTarget(baseURL: client.settings.baseURL, asUser: request.asUser ?? client.settings.asUser)
            )
        } catch {
            if auditFailure == nil { auditFailure = "\(error)" }
        }
    }

    // MARK: summaries

    /// The lines printed when the run ends.
    public func summary() -> [String] {
        switch mode {
        case .dryRun:
            var counts: [String: Int] = [:]
            for c in recorded { counts[c.op, default: 0] += 1 }
            let parts = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }
            var lines = [
                "[dry-run] \(recorded.count) change\(recorded.count == 1 ? "" : "s")"
                    + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
            ]
            let refused = recorded.filter { !$0.warnings.isEmpty }.count
            if refused > 0 {
                lines.append("[dry-run] \(refused) of them predicted to fail (the lines with !)")
            }
            return lines + ["[dry-run] nothing was sent"]
        case .live:
            guard !sent.isEmpty else { return [] }
            let parts = sent.keys.sorted().map { op -> String in
                let t = sent[op]!
                return "\(t.ok + t.failed) \(op)" + (t.failed > 0 ? " (\(t.failed) failed)" : "")
            }
            var lines = ["changes sent: " + parts.joined(separator: ", ")]
            if let audit { lines.append("audit log: \(audit.path)") }
            return lines
        }
    }

    /// The plan of a dry run, for `--plan FILE`.
    public func plan(baseURL: String, asUser: String?) -> Plan {
        Plan(header: PlanHeader(createdAt: UTCTime.now(), baseURL: baseURL, asUser: asUser), changes: recorded)
    }
}
