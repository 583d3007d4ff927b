/// The audit log: one JSON line per change sent to Box, live or by `apply` (CONTRACT.md,
/// "Audit log"). Requests are described by method, path and subject only: no header, no
/// body, so no token or secret can reach it.
import JSON

public struct ChangeOutcome: Sendable {
    public var status: Int
    public var requestID: String?
    /// nil when the change succeeded; else the error in Box's words.
    public var error: String?

    public init(status: Int, requestID: String?, error: String?) {
        self.status = status
        self.requestID = requestID
        self.error = error
    }

    public var succeeded: Bool { error == nil }
}

public final class AuditLog {
    private let file: JSONLinesFile
    public var path: String { file.path }

    public init(path: String) throws {
        file = try JSONLinesFile(appendingTo: path, mode: 0o600)
    }

    /// Appends one record; `source` is `run` (a live script) or `apply PLAN`.
    public func record(
        time: String, op: String, method: String, path: String, subject: ChangeSubject,
        outcome: ChangeOutcome, source: String, seq: Int? = nil
    ) throws {
        var o = JSONObject()
        o["time"] = .string(time)
        o["op"] = .string(op)
        o["method"] = .string(method)
        o["path"] = .string(path)
        o["status"] = .int(Int64(outcome.status))
        o["request_id"] = outcome.requestID.map(JSON.string) ?? .null
        o["subject"] = subject.json
        o["outcome"] = .string(outcome.succeeded ? "ok" : "failed")
        if let e = outcome.error { o["error"] = .string(e) }
        o["source"] = .string(source)
        if let seq { o["seq"] = .int(Int64(seq)) }
        try file.append(.object(o))
    }

    public func close() { file.close() }
}

/// `PLAN.journal`: what `apply` did to each change, appended and flushed per change, so a
/// second run skips what succeeded and resumes the rest.
public final class PlanJournal {
    public enum State: String, Sendable {
        /// Written before the request goes out: a change left `sent` was maybe made.
        case sent
        case ok
        case failed
    }

    private let file: JSONLinesFile
    /// The last state recorded for each seq by earlier runs.
    public private(set) var previous: [Int: State] = [:]

    public init(path: String) throws {
        for r in try JSONLinesFile.read(path) {
            if let seq = r["seq"]?.intValue, let s = r["state"]?.stringValue, let state = State(rawValue: s) {
                previous[Int(seq)] = state
            }
        }
        file = try JSONLinesFile(appendingTo: path, mode: 0o600)
    }

    public func record(seq: Int, state: State, time: String, outcome: ChangeOutcome? = nil) throws {
        var o = JSONObject([("seq", .int(Int64(seq))), ("state", .string(state.rawValue)), ("time", .string(time))])
        if let outcome {
            o["status"] = .int(Int64(outcome.status))
            o["request_id"] = outcome.requestID.map(JSON.string) ?? .null
            if let e = outcome.error { o["error"] = .string(e) }
        }
        try file.append(.object(o))
        previous[seq] = state
    }

    public func close() { file.close() }
}
