/// Plans: the changes a dry run recorded, as JSON Lines (CONTRACT.md, "Dry run and plans").
///
/// Line 1 is the header, then one change a line. A plan never holds a secret: requests carry
/// no headers, only method, path, query and body.
import JSON

public struct PlanHeader: Equatable, Sendable {
    public var version: Int = 1
    public var createdAt: String
    public var baseURL: String
    public var asUser: String?

    public init(createdAt: String, baseURL: String, asUser: String?) {
        self.createdAt = createdAt
        self.baseURL = baseURL
        self.asUser = asUser
    }

    public var json: JSON {
        .object(
            JSONObject([
                ("boxlua_plan", .int(Int64(version))), ("created_at", .string(createdAt)),
                ("base_url", .string(baseURL)), ("as_user", asUser.map(JSON.string) ?? .null),
            ]))
    }

    public init(json: JSON) throws {
        guard let v = json["boxlua_plan"]?.intValue else { throw PlanError("line 1 is not a boxlua plan header") }
        guard v == 1 else { throw PlanError("plan format version \(v) is not supported (this boxlua reads version 1)") }
        guard let base = json["base_url"]?.stringValue else { throw PlanError("line 1: base_url is missing") }
        createdAt = json["created_at"]?.stringValue ?? ""
        baseURL = base
        asUser = json["as_user"]?.stringValue
    }
}

/// Who a change is about, for the dry-run line, the journal and the audit log. An app user
/// has no login: a create of one names its `external_app_user_id` or its name.
public struct ChangeSubject: Equatable, Sendable {
    public var id: String?
    public var login: String?
    public var externalAppUserID: String?
    public var name: String?
    /// Beyond users (nil): `group` or `membership` (ChangeSubject+Groups.swift).
    public var kind: String?
    /// The group a membership change is about.
    public var group: SubjectPart?
    /// The user a group or membership change is about.
    public var user: SubjectPart?

    public init(id: String?, login: String?, externalAppUserID: String? = nil, name: String? = nil) {
        self.id = id
        self.login = login
        self.externalAppUserID = externalAppUserID
        self.name = name
    }

    public var json: JSON {
        var o = JSONObject()
        if let id { o["id"] = .string(id) }
        if let login { o["login"] = .string(login) }
        if let externalAppUserID { o["external_app_user_id"] = .string(externalAppUserID) }
        if let name, login == nil, externalAppUserID == nil { o["name"] = .string(name) }
        addGroupParts(to: &o)
        return .object(o)
    }

    init(json: JSON?) {
        id = json?["id"]?.stringValue
        login = json?["login"]?.stringValue
        externalAppUserID = json?["external_app_user_id"]?.stringValue
        name = json?["name"]?.stringValue
        readGroupParts(json)
    }

    /// What ties the changes of one subject together in a plan: the user id, else what a
    /// create names (login, external_app_user_id, name); nil when the change names nobody.
    public var key: String? {
        if kind != nil { return groupKey }
        if let id { return "id:\(id)" }
        if let login { return "login:\(login.lowercased())" }
        if let externalAppUserID { return "app:\(externalAppUserID)" }
        if let name { return "name:\(name)" }
        return nil
    }

    /// `42 (jdoe@example.com)`, `42`, `jdoe@example.com`, or an app user's
    /// `app user robot-1` / `app user "Robot 1"`.
    public var label: String {
        if let groupLabel { return groupLabel }
        switch (id, login) {
        case let (i?, l?): return "\(i) (\(l))"
        case let (i?, nil): return i
        case let (nil, l?): return l
        default:
            if let externalAppUserID { return "app user \(externalAppUserID)" }
            if let name { return "app user \"\(name)\"" }
            return "-"
        }
    }
}

public struct PlannedChange: Equatable, Sendable {
    public var seq: Int
    public var op: String
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var body: JSON?
    public var asUser: String?
    public var subject: ChangeSubject
    /// What the change does, as its dry-run line says it after the subject (`status: active ->
    /// inactive`, `force`), so a plan reads well; nil when the line says nothing more. Only for
    /// readers: `apply` sends the request above, and plans written before it existed lack it.
    public var preview: String?
    /// Why a dry run predicted Box (or the guards of a live run) will refuse the change; sent
    /// all the same by `apply`, since a prediction from reads may be wrong.
    public var warnings: [String]

    public init(
        seq: Int, op: String, method: String, path: String, query: [(String, String)], body: JSON?,
        asUser: String?, subject: ChangeSubject, preview: String? = nil, warnings: [String] = []
    ) {
        self.seq = seq
        self.op = op
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.asUser = asUser
        self.subject = subject
        self.preview = preview
        self.warnings = warnings
    }

    public static func == (a: PlannedChange, b: PlannedChange) -> Bool {
        a.seq == b.seq && a.op == b.op && a.method == b.method && a.path == b.path
            && a.query.elementsEqual(b.query, by: ==) && a.body == b.body && a.asUser == b.asUser
            && a.subject == b.subject && a.preview == b.preview && a.warnings == b.warnings
    }

    public var json: JSON {
        var o = JSONObject()
        o["seq"] = .int(Int64(seq))
        o["op"] = .string(op)
        o["method"] = .string(method)
        o["path"] = .string(path)
        o["query"] = .object(JSONObject(query.map { ($0.0, JSON.string($0.1)) }))
        o["body"] = body ?? .null
        if let asUser { o["as_user"] = .string(asUser) }
        o["subject"] = subject.json
        if let preview { o["preview"] = .string(preview) }
        if !warnings.isEmpty { o["warnings"] = .array(warnings.map { .string($0) }) }
        return .object(o)
    }

    public init(json: JSON, line: Int) throws {
        func need(_ k: String) throws -> String {
            guard let s = json[k]?.stringValue, !s.isEmpty else { throw PlanError("line \(line): '\(k)' is missing") }
            return s
        }
        guard let seq = json["seq"]?.intValue else { throw PlanError("line \(line): 'seq' is missing") }
        self.seq = Int(seq)
        op = try need("op")
        method = try need("method").uppercased()
        path = try need("path")
        guard path.hasPrefix("/") else { throw PlanError("line \(line): path must start with /") }
        var q: [(String, String)] = []
        if let qo = json["query"]?.objectValue {
            for (k, v) in qo {
                switch v {
                case .string(let s): q.append((k, s))
                case .int(let i): q.append((k, String(i)))
                case .bool(let b): q.append((k, b ? "true" : "false"))
                default: throw PlanError("line \(line): query value '\(k)' must be a string")
                }
            }
        }
        query = q
        let b = json["body"]
        body = (b == nil || b == .null) ? nil : b
        asUser = json["as_user"]?.stringValue
        subject = ChangeSubject(json: json["subject"])
        preview = json["preview"]?.stringValue
        warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

public struct PlanError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct Plan: Sendable {
    public var header: PlanHeader
    public var changes: [PlannedChange]
    /// The trailer's hash of a parsed plan (the plan's identity for its journal).
    private var parsedID: String?

    public init(header: PlanHeader, changes: [PlannedChange]) {
        self.header = header
        self.changes = changes
    }

    /// The header and change lines, every line with its newline: what the trailer hashes.
    private var body: String {
        var out = header.json.serialized() + "\n"
        for c in changes { out += c.json.serialized() + "\n" }
        return out
    }

    /// The SHA-256 (lower-case hex) of the lines before the trailer: the journal names its
    /// plan by it, so a journal is never taken for another plan's.
    public var id: String { parsedID ?? SHA256.hex(Array(body.utf8)) }

    /// The plan file: header, changes, and the trailer
    /// `{"boxlua_plan_end":N,"sha256":"HEX"}` that catches a cut or an edit.
    public func jsonLines() -> String {
        let body = self.body
        let trailer = JSONObject([
            ("boxlua_plan_end", .int(Int64(changes.count))), ("sha256", .string(SHA256.hex(Array(body.utf8)))),
        ])
        return body + JSON.object(trailer).serialized() + "\n"
    }

    /// Reads a plan; errors name the line. A plan without its trailer, or whose trailer's
    /// count or hash does not match the lines above it, is refused.
    public static func parse(_ text: String) throws -> Plan {
        var header: PlanHeader?
        var changes: [PlannedChange] = []
        var lineNo = 0
        var trailerID: String?
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            defer { start = end + 1 }
            lineNo += 1
            var lineBytes = bytes[start..<end]
            if lineBytes.last == 0x0D { lineBytes = lineBytes.dropLast() }
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            if trailerID != nil { throw PlanError("line \(lineNo): a line after its end line; the plan was edited") }
            let value: JSON
            do { value = try JSON.parse(String(decoding: lineBytes, as: UTF8.self)) } catch {
                throw PlanError("line \(lineNo): \(error)")
            }
            if header == nil {
                header = try PlanHeader(json: value)
            } else if let count = value["boxlua_plan_end"]?.intValue {
                guard count == changes.count else {
                    throw PlanError(
                        "the plan has \(changes.count) change\(changes.count == 1 ? "" : "s"), but its end line says \(count):"
                            + " it was cut or edited; make it again with --plan")
                }
                let hash = SHA256.hex(Array(bytes[0..<start]))
                guard value["sha256"]?.stringValue == hash else {
                    throw PlanError(
                        "the plan's sha256 does not match its end line: it was edited after --plan wrote it")
                }
                trailerID = hash
            } else {
                let c = try PlannedChange(json: value, line: lineNo)
                if let last = changes.last, c.seq <= last.seq {
                    throw PlanError("line \(lineNo): seq \(c.seq) does not follow \(last.seq)")
                }
                changes.append(c)
            }
        }
        guard let header else { throw PlanError("the plan is empty") }
        guard let trailerID else {
            throw PlanError(
                #"the plan has no end line ({"boxlua_plan_end":N,"sha256":...}): it was cut short; make it again with --plan"#
            )
        }
        var plan = Plan(header: header, changes: changes)
        plan.parsedID = trailerID
        return plan
    }
}
