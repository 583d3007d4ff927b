/// The audit log: one JSON line per change sent to Box, live or by `apply` (CONTRACT.md,
/// "Audit log"). Requests are described by method, path and subject only: no header, no
/// body, so no token or secret can reach it.
#if canImport(Glibc)
    import Glibc
#endif
import BoxClient
import JSON

public struct ChangeOutcome: Sendable {
    public var status: Int
    public var requestID: String?
    /// nil when the change succeeded; else the error in Box's words.
    public var error: String?
    /// The change may or may not have been made (cut off, a network error after sending,
    /// a 5xx): it must be checked on Box before it is sent again.
    public var unknown = false

    public init(status: Int, requestID: String?, error: String?, unknown: Bool = false) {
        self.status = status
        self.requestID = requestID
        self.error = error
        self.unknown = unknown
    }

    public init(_ result: Result<BoxResponse, BoxError>) {
        switch result {
        case .success(let r): self.init(status: r.status, requestID: r.requestID, error: nil)
        case .failure(let e):
            self.init(
                status: e.status, requestID: e.requestID, error: e.description, unknown: Self.leavesOutcomeUnknown(e))
        }
    }

    public var succeeded: Bool { error == nil }

    /// `ok`, `failed` or `unknown`, as the audit log and the journal say it.
    public var word: String { succeeded ? "ok" : unknown ? "unknown" : "failed" }

    /// Whether a change that failed this way may still have been made: cut off by a signal,
    /// no HTTP answer (the request may have arrived), a 5xx (Box may have acted first), or the
    /// client's own check could not tell (`outcome_unknown`, with or without an HTTP status).
    public static func leavesOutcomeUnknown(_ e: BoxError) -> Bool {
        e.code == "interrupted" || e.code == "outcome_unknown" || (e.status == 0 && e.code == "network_error")
            || e.status >= 500
    }
}

/// Where a change went: the Box it was sent to and the user it was sent as.
public struct ChangeTarget: Sendable {
    public var baseURL: String
    /// nil or "" when sent as the signed-in account itself.
    public var asUser: String?

    /// `baseURL` is kept without userinfo: a password in BOX_BASE_URL never reaches the log.
    public init(baseURL: String, asUser: String?) {
        self.baseURL = displayURL(baseURL)
        self.asUser = asUser
    }
}

public final class AuditLog {
    private let file: JSONLinesFile
    public var path: String { file.path }
    /// `plan id/seq` pairs already logged as ok, read on first need (see ``hasOKRecord``).
    private var loggedOK: Set<String>?

    public init(path: String) throws {
        file = try JSONLinesFile(appendingTo: path, mode: 0o600)
    }

    /// Appends one record; `source` is `run` (a live script) or `apply PLAN`; `plan` and
    /// `seq` name the plan line, `note` says how the outcome was learnt when not from the answer.
    public func record(
        time: String, op: String, method: String, path: String, subject: ChangeSubject,
        outcome: ChangeOutcome, source: String, target: ChangeTarget, seq: Int? = nil, plan: String? = nil,
        note: String? = nil
    ) throws {
        var o = JSONObject()
        o["time"] = .string(time)
        o["op"] = .string(op)
        o["method"] = .string(method)
        o["path"] = .string(path)
        o["status"] = .int(Int64(outcome.status))
        o["request_id"] = outcome.requestID.map(JSON.string) ?? .null
        o["subject"] = subject.json
        o["outcome"] = .string(outcome.word)
        if let e = outcome.error { o["error"] = .string(e) }
        if let note { o["note"] = .string(note) }
        o["base_url"] = .string(target.baseURL)
        o["as_user"] = target.asUser.flatMap { $0.isEmpty ? nil : JSON.string($0) } ?? .null
        o["source"] = .string(source)
        if let seq { o["seq"] = .int(Int64(seq)) }
        if let plan { o["plan_sha256"] = .string(plan) }
        try file.append(.object(o))
        if let plan, let seq, outcome.succeeded { loggedOK?.insert("\(plan)/\(seq)") }
    }

    /// Whether an ok line for this plan line is in the log already: a run killed between its
    /// audit line and its journal's `ok` must not get a second line when the rerun finds the
    /// change made.
    public func hasOKRecord(plan: String, seq: Int) -> Bool {
        if loggedOK == nil {
            var seen = Set<String>()
            for r in (try? JSONLinesFile.read(path)) ?? [] where r["outcome"] == "ok" {
                if let p = r["plan_sha256"]?.stringValue, let s = r["seq"]?.intValue { seen.insert("\(p)/\(s)") }
            }
            loggedOK = seen
        }
        return loggedOK!.contains("\(plan)/\(seq)")
    }

    public func close() { file.close() }
}

/// `PLAN.journal`: what `apply` did to each change, appended and fsynced per record, so a
/// second run skips what succeeded and resumes the rest. Its first line names the plan it
/// belongs to (the plan's sha256); it is locked (flock) while an apply runs.
public final class PlanJournal {
    public enum State: String, Sendable {
        /// Written before the request goes out: a change left `sent` was maybe made.
        case sent
        case ok
        case failed
        /// The request went out but its outcome was not learnt (cut off, no answer, a 5xx).
        case unknown
    }

    /// Another process holds the journal: another apply of this plan is running.
    public struct Busy: Error, CustomStringConvertible, Sendable {
        public let path: String
        public var description: String {
            "another boxlua apply is applying this plan now (it holds \(path)); let it finish, then run apply again"
        }
    }

    private let file: JSONLinesFile
    /// The last state recorded for each seq by earlier runs.
    public private(set) var previous: [Int: State] = [:]

    /// Opens and locks the journal of the plan whose id is `planID`; refuses a journal made
    /// for another plan, and one another apply holds.
    public init(path: String, planID: String) throws {
        file = try JSONLinesFile(appendingTo: path, mode: 0o600)
        file.syncEachRecord = true
        guard try file.tryLock() else {
            file.close()
            throw Busy(path: path)
        }
        let records = try JSONLinesFile.read(path)
        if let first = records.first {
            guard first["boxlua_journal"] != nil, first["plan_sha256"]?.stringValue == planID else {
                file.close()
                throw PlanError(
                    "\(path) is the journal of another plan (an older plan of that name?);"
                        + " move it aside to apply this plan from its start")
            }
        } else {
            try file.append(.object(JSONObject([("boxlua_journal", 1), ("plan_sha256", .string(planID))])))
        }
        for r in records.dropFirst() {
            if let seq = r["seq"]?.intValue, let s = r["state"]?.stringValue, let state = State(rawValue: s) {
                previous[Int(seq)] = state
            }
        }
    }

    public func record(seq: Int, state: State, time: String, outcome: ChangeOutcome? = nil, note: String? = nil) throws
    {
        var o = JSONObject([("seq", .int(Int64(seq))), ("state", .string(state.rawValue)), ("time", .string(time))])
        if let outcome {
            o["status"] = .int(Int64(outcome.status))
            o["request_id"] = outcome.requestID.map(JSON.string) ?? .null
            if let e = outcome.error { o["error"] = .string(e) }
        }
        if let note { o["note"] = .string(note) }
        try file.append(.object(o))
        previous[seq] = state
    }

    /// Moves the journal of an older plan at `planPath` aside, to `PLAN.journal.N` (the first
    /// free N), before a new plan is written there; returns where it went (nil: none).
    public static func moveAside(ofPlan planPath: String) throws -> String? {
        let journal = planPath + ".journal"
        guard access(journal, F_OK) == 0 else { return nil }
        var n = 1
        while access("\(journal).\(n)", F_OK) == 0 { n += 1 }
        let aside = "\(journal).\(n)"
        if rename(journal, aside) != 0 {
            throw PlanError("cannot move the old journal \(journal) aside: \(String(cString: strerror(errno)))")
        }
        return aside
    }

    public func close() { file.close() }
}
