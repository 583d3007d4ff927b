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
            if let refusal = self.guardRefusal(request) { return decide(.refuse(refusal)) }
            if case .dryRun = self.mode {
                self.answerDryRun(request, decide)
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

    private func answerDryRun(_ request: BoxRequest, _ decide: @escaping (MutationDecision) -> Void) {
        let answer = request.operation?.operation.dryRun ?? .echo
        // The subject (a user, group or membership) is read for the merged answer and for the
        // dry-run line's login or name, when not known yet.
        guard let subject = request.subject, let reader = BoxOperations.reader(of: subject.kind),
            answer.needsCurrentSubject || !knowsLabel(of: subject)
        else { return record(request, answer, current: nil, decide) }
        // Reads run for real: the record as Box has it now.
        let get = reader.request(subject.id, asUser: request.asUser)
        client.start(get) { result in
            switch result {
            case .success(let r):
                let json = try? r.json()
                if let json { self.note(record: json) }
                self.record(request, answer, current: json, decide)
            case .failure(let e):
                // Live, the change would fail the same way: say so now.
                decide(.refuse(e))
            }
        }
    }

    private func record(
        _ request: BoxRequest, _ answer: BoxOperation.DryRunAnswer, current: JSON?,
        _ decide: (MutationDecision) -> Void
    ) {
        changeGuard.allowed(request)
        let seq = recorded.count + 1
        let subject = subject(of: request)
        let change = PlannedChange(
            seq: seq, op: request.op, method: request.method, path: request.path, query: request.query,
            body: request.body, asUser: request.asUser.flatMap { $0.isEmpty ? nil : $0 }, subject: subject)
        recorded.append(change)
        say("[dry-run] \(request.op) \(subject.label)")
        let result = DryRunResults.response(
            answer, method: request.method, path: request.path, body: request.body, current: current,
            seq: seq, now: UTCTime.now())
        var response = BoxResponse(status: result.status, headers: [("box-request-id", "dry-run-\(seq)")])
        if let body = result.body { response = BoxResponse(status: result.status, json: body) }
        decide(.respond(response))
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
            return [
                "[dry-run] \(recorded.count) change\(recorded.count == 1 ? "" : "s")"
                    + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")), "[dry-run] nothing was sent",
            ]
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
