/// `boxlua apply PLAN`: sends exactly the plan's requests, in order, once each, surviving a
/// crash: every change is journaled as `sent` before it goes out and as `ok`/`failed`/`unknown`
/// after; a change whose outcome was not learnt is checked on Box before it is sent again.
import BoxClient
import JSON

public struct ApplyReport: Sendable {
    public var ok = 0
    public var failed = 0
    /// Done by an earlier run (journaled `ok`).
    public var skipped = 0
    /// Not sent because an earlier change of the same subject failed.
    public var skippedSubject = 0
    /// Whether Box made them could not be told: left to the admin.
    public var unknown = 0
    public var notRun = 0
    public var interrupted = false
    /// The audit log could not be written: the run stopped.
    public var auditFailure: String?

    /// Whether `apply` exits 1.
    public var incomplete: Bool {
        failed > 0 || skippedSubject > 0 || unknown > 0 || notRun > 0 || interrupted || auditFailure != nil
    }
}

public final class PlanApplier {
    public let client: BoxClient
    public let plan: Plan
    public let planPath: String
    public var stopOnError = false
    /// Checked between changes (Ctrl-C, SIGTERM, SIGHUP): true stops before the next one.
    public var shouldStop: () -> Bool = { false }
    /// Told how many of the changes this run has to handle (those not done before) it has
    /// handled, and their number: first (0, n), then after each.
    public var progress: ((_ handled: Int, _ total: Int) -> Void)?
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

    /// The plan's journal, locked for this run (see ``PlanJournal``).
    public func openJournal() throws -> PlanJournal {
        try PlanJournal(path: planPath + ".journal", planID: plan.id)
    }

    public func run(journal: PlanJournal) throws -> ApplyReport {
        client.mutationHook = nil
        client.sentObserver = nil
        // A change cut off or answered 5xx within this run is checked on Box before any resend.
        client.changeChecker = ChangeVerifier.checker(client)
        var report = ApplyReport()
        // The changes of one subject depend on each other: once one fails (or its outcome is
        // unknown), the later ones are not sent (a delete never follows a failed transfer).
        var failedSubjects = Set<String>()
        let total = plan.changes.count
        let toHandle = plan.changes.count { journal.previous[$0.seq] != .ok }
        var handled = 0
        progress?(0, toHandle)
        for (n, change) in plan.changes.enumerated() {
            let tag = "[\(n + 1)/\(total)] \(change.op) \(change.subject.label)"
            if shouldStop() {
                report.interrupted = true
                report.notRun = total - n
                break
            }
            let counted = journal.previous[change.seq] != .ok
            defer {
                if counted {
                    handled += 1
                    progress?(handled, toHandle)
                }
            }
            if let key = change.subject.key, failedSubjects.contains(key) {
                report.skippedSubject += 1
                say("\(tag): skipped: an earlier change of this subject failed")
                continue
            }
            switch journal.previous[change.seq] {
            case .ok?:
                report.skipped += 1
                say("\(tag): done before, skipped")
                continue
            case .sent?, .unknown?:
                // The last run stopped without learning what Box did: look before sending again.
                switch ChangeVerifier.checkNow(request(for: change), client: client) {
                case .made:
                    let outcome = ChangeOutcome(status: 0, requestID: nil, error: nil)
                    let note = "made by an interrupted run"
                    if let failure = auditRecord(change, outcome, note: note, unlessLogged: true) {
                        report.auditFailure = failure
                        report.notRun = total - n
                        return report
                    }
                    try journal.record(seq: change.seq, state: .ok, time: UTCTime.now(), outcome: outcome, note: note)
                    report.ok += 1
                    say("\(tag): ok (\(note))")
                    continue
                case .notMade:
                    break
                case .unknown(let why):
                    report.unknown += 1
                    if let key = change.subject.key { failedSubjects.insert(key) }
                    say(
                        "\(tag): outcome unknown, not sent again: \(why); check it on Box and make it by hand if needed"
                    )
                    continue
                }
            default: break
            }
            try journal.record(seq: change.seq, state: .sent, time: UTCTime.now())
            var outcome = send(change)
            var note: String?
            if outcome.unknown && !shouldStop() {
                // No answer, or a 5xx: Box may have made it anyway. Look now.
                switch ChangeVerifier.checkNow(request(for: change), client: client) {
                case .made:
                    note = "made, though its answer was lost (\(outcome.error ?? ""))"
                    outcome = ChangeOutcome(status: outcome.status, requestID: outcome.requestID, error: nil)
                case .notMade:
                    outcome.unknown = false
                case .unknown(let why):
                    note = why
                }
            }
            // The audit line comes before the change is reported done: if it cannot be
            // written, the journal keeps `sent`, and the next run checks and logs the change.
            if let failure = auditRecord(change, outcome, note: note) {
                report.auditFailure = failure
                report.notRun = total - n - 1
                return report
            }
            let state: PlanJournal.State = outcome.succeeded ? .ok : outcome.unknown ? .unknown : .failed
            try journal.record(seq: change.seq, state: state, time: UTCTime.now(), outcome: outcome, note: note)
            if outcome.succeeded {
                report.ok += 1
                say("\(tag): ok (\(note ?? String(outcome.status)))")
                continue
            }
            if let key = change.subject.key { failedSubjects.insert(key) }
            if outcome.unknown {
                report.unknown += 1
                say(
                    "\(tag): outcome unknown: \(outcome.error ?? ""); the next apply checks it on Box before sending it again"
                )
            } else {
                report.failed += 1
                say("\(tag): failed: \(outcome.error ?? "")")
            }
            if stopOnError {
                report.notRun = total - n - 1
                break
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
            return ChangeOutcome(.success(try client.send(request(for: change))))
        } catch {
            return ChangeOutcome(.failure(error))
        }
    }

    /// Writes the change's audit line; returns the error when it could not be written.
    private func auditRecord(
        _ change: PlannedChange, _ outcome: ChangeOutcome, note: String?, unlessLogged: Bool = false
    ) -> String? {
        guard let audit else { return nil }
        if unlessLogged && audit.hasOKRecord(plan: plan.id, seq: change.seq) { return nil }
        let asUser = change.asUser ?? plan.header.asUser ?? client.settings.asUser
        do {
            try audit.record(
                time: UTCTime.now(), op: change.op, method: change.method, path: change.path,
                subject: change.subject, outcome: outcome, source: "apply \(planPath)",
                target: ChangeTarget(baseURL: client.settings.baseURL, asUser: asUser), seq: change.seq,
                plan: plan.id, note: note)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
