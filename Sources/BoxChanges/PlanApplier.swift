/// `boxlua apply PLAN`: sends exactly the plan's requests, in order, once each, surviving a
/// crash: every change is journaled as `sent` before it goes out and as `ok`/`failed` after.
import BoxClient
import JSON

public struct ApplyReport: Sendable {
    public var ok = 0
    public var failed = 0
    public var skipped = 0
    public var notRun = 0
    public var interrupted = false
}

public final class PlanApplier {
    public let client: BoxClient
    public let plan: Plan
    public let planPath: String
    public var stopOnError = false
    /// Checked between changes (Ctrl-C, SIGTERM): true stops before the next one.
    public var shouldStop: () -> Bool = { false }
    private let audit: AuditLog?
    private let say: (String) -> Void

    public init(client: BoxClient, plan: Plan, planPath: String, audit: AuditLog?, say: @escaping (String) -> Void) {
        self.client = client
        self.plan = plan
        self.planPath = planPath
        self.audit = audit
        self.say = say
    }

    /// Refuses a plan made against another Box (or another sandbox).
    public static func checkBaseURL(plan: Plan, client: BoxClient) throws(PlanError) {
        func norm(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }
        guard norm(plan.header.baseURL) == norm(displayURL(client.settings.baseURL)) else {
            throw PlanError(
                "the plan was made for \(plan.header.baseURL), but this run is signed in to \(displayURL(client.settings.baseURL));"
                    + " refusing to apply it here")
        }
    }

    public func run() throws -> ApplyReport {
        let journal = try PlanJournal(path: planPath + ".journal")
        defer { journal.close() }
        client.mutationHook = nil
        client.sentObserver = nil
        var report = ApplyReport()
        let total = plan.changes.count
        for (n, change) in plan.changes.enumerated() {
            let tag = "[\(n + 1)/\(total)] \(change.op) \(change.subject.label)"
            if shouldStop() {
                report.interrupted = true
                report.notRun = total - n
                break
            }
            switch journal.previous[change.seq] {
            case .ok?:
                report.skipped += 1
                say("\(tag): done before, skipped")
                continue
            case .sent?:
                // The last run stopped with this change in flight: find out whether Box made it.
                if alreadyMade(change) {
                    try journal.record(seq: change.seq, state: .ok, time: UTCTime.now(),
                                       outcome: ChangeOutcome(status: 0, requestID: nil, error: nil))
                    report.ok += 1
                    say("\(tag): ok (made by the interrupted run)")
                    continue
                }
            default: break
            }
            try journal.record(seq: change.seq, state: .sent, time: UTCTime.now())
            let outcome = send(change)
            try journal.record(seq: change.seq, state: outcome.succeeded ? .ok : .failed, time: UTCTime.now(), outcome: outcome)
            auditRecord(change, outcome)
            if outcome.succeeded {
                report.ok += 1
                say("\(tag): ok (\(outcome.status))")
            } else {
                report.failed += 1
                say("\(tag): failed: \(outcome.error ?? "")")
                if stopOnError {
                    report.notRun = total - n - 1
                    break
                }
            }
        }
        return report
    }

    private func request(for change: PlannedChange) -> BoxRequest {
        var r = BoxRequest(change.method, change.path, query: change.query, body: change.body)
        r.asUser = change.asUser ?? plan.header.asUser
        return r
    }

    private func send(_ change: PlannedChange) -> ChangeOutcome {
        do {
            let r = try client.send(request(for: change))
            return ChangeOutcome(status: r.status, requestID: r.requestID, error: nil)
        } catch {
            return ChangeOutcome(status: error.status, requestID: error.requestID, error: error.description)
        }
    }

    /// For a change left `sent` by a crash: whether Box already shows its effect, so that
    /// sending it again would double it. Other changes are sent again.
    private func alreadyMade(_ change: PlannedChange) -> Bool {
        switch change.op {
        case "users.update":
            // Made when the user already has every field the change sets.
            guard let id = change.subject.id, let fields = change.body?.objectValue,
                case .success(let user) = get("/2.0/users/\(id)", [("fields", fields.keys.joined(separator: ","))])
            else { return false }
            return fields.allSatisfy { key, value in key == "notify" || user[key] == value }
        case "users.delete":
            guard let id = change.subject.id else { return false }
            if case .failure(let e) = get("/2.0/users/\(id)", [("fields", "id")]), e.status == 404 { return true }
            return false
        case "users.transfer_content":
            // Box counts owned content in space_used: nothing left means the move happened.
            guard let id = BoxOperation.subjectID(path: change.path),
                case .success(let user) = get("/2.0/users/\(id)", [("fields", "id,space_used")])
            else { return false }
            return user["space_used"]?.intValue == 0
        case "users.create":
            guard let login = change.body?["login"]?.stringValue,
                case .success(let page) = get("/2.0/users", [("filter_term", login), ("fields", "id,login")])
            else { return false }
            return page["entries"]?.arrayValue?.contains { $0["login"]?.stringValue?.lowercased() == login.lowercased() } ?? false
        default:
            return false
        }
    }

    private func get(_ path: String, _ query: [(String, String)]) -> Result<JSON, BoxError> {
        var r = BoxRequest("GET", path, query: query)
        r.asUser = ""
        do { return .success(try client.json(r)) } catch { return .failure(error) }
    }

    private func auditRecord(_ change: PlannedChange, _ outcome: ChangeOutcome) {
        do {
            try audit?.record(
                time: UTCTime.now(), op: change.op, method: change.method, path: change.path,
                subject: change.subject, outcome: outcome, source: "apply \(planPath)", seq: change.seq)
        } catch {
            say("boxlua: the audit log could not be written: \(error)")
        }
    }
}
