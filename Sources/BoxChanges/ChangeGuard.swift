/// The guards' rules: which users a run must not change, and the one line that says why.
///
/// Shared by a run (ChangeControl asks before each change) and by `boxlua apply`, which checks
/// a whole plan before it sends anything (``check(plan:guard:)``).
import BoxClient
import JSON

public struct ChangeGuard: Sendable {
    /// The signed-in user, once looked up; a failed look-up keeps its reason, and until the
    /// user is known every change to an existing user is refused (the guard fails closed).
    public enum SignedIn: Sendable, Equatable {
        case notLookedUp
        case lookUpFailed(String)
        case known(String)
    }

    public var signedIn: SignedIn = .notLookedUp
    /// `--protect` users (and `protect = [...]` of the profile), by id.
    public private(set) var protectedIDs: Set<String>
    /// `--protect` logins not resolved to an id yet, with why the last look-up failed: until
    /// each is known, changes to existing users are refused (fail closed, as for the signed-in user).
    public private(set) var unresolvedLogins: [String: String] = [:]
    /// Users that content was transferred to in this run (or plan): never deleted.
    public private(set) var transferDestinations: Set<String> = []

    /// `protect`: ids (digits) and logins, as `--protect` takes them.
    public init(protect: [String] = []) {
        protectedIDs = Set(protect.filter(Self.isID))
        for login in protect where !Self.isID(login) { unresolvedLogins[login] = "not looked up yet" }
    }

    public static func isID(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { (48...57).contains($0) } }

    /// A `--protect` login found (exact match) as `id`.
    public mutating func resolved(login: String, id: String) {
        unresolvedLogins[login] = nil
        protectedIDs.insert(id)
    }

    /// What a look-up (``lookUp(client:done:)``) learnt; transfer destinations noted while
    /// it was in flight stay.
    public mutating func take(lookUp updated: ChangeGuard) {
        signedIn = updated.signedIn
        protectedIDs = updated.protectedIDs
        unresolvedLogins = updated.unresolvedLogins
    }

    /// A `--protect` login whose look-up failed or found no such user.
    public mutating func unresolved(login: String, why: String) { unresolvedLogins[login] = why }

    /// The user an operation changes, when it changes (or deletes) an existing user: the rows
    /// whose effect is not a read and whose subject is a user (deletion, any update, a transfer
    /// of the user's content away). Nil for anything else, `box.request` paths no row matches
    /// included.
    static func changedUser(_ request: BoxRequest) -> (operation: BoxOperation, id: String)? {
        guard let match = request.operation, match.operation.effect != .read,
            let subject = match.subject(body: request.body), subject.kind == .user
        else { return nil }
        return (match.operation, subject.id)
    }

    /// Why `request` must not be made (one line, the subject named by `label`), or nil.
    public func refusal(_ request: BoxRequest, label: (String) -> String) -> String? {
        let (method, path) = (request.method, request.path)
        let clean = try? BoxOperation.normalizedPath(path)
        if clean != path {
            return "refusing \(method) \(path): the path is not in its one clean form"
                + (clean.map { " (\($0))" } ?? "")
        }
        guard let (operation, id) = Self.changedUser(request) else { return nil }
        let what = Self.describe(operation, label(id))
        switch signedIn {
        case .notLookedUp:
            return "refusing to \(what): the signed-in user is not known yet, so it cannot be protected"
        case .lookUpFailed(let why):
            return "refusing to \(what): the signed-in user could not be looked up (\(why)), so it cannot be protected"
        case .known:
            break
        }
        if let why = protection(request) { return "refusing to \(what): \(why)" }
        if let (login, why) = unresolvedLogins.min(by: { $0.key < $1.key }) {
            return
                "refusing to \(what): --protect \(login) is not resolved to a user (\(why)), so it cannot be protected"
        }
        return nil
    }

    /// Why a change is refused for the user it touches: the signed-in user, a `--protect` user,
    /// a transfer destination of this run (deleted). Nil for any other refusal (a path not in
    /// its clean form, a guard that does not know whom to protect yet) and for no refusal: a
    /// dry run shows these as warnings and carries on, where a live run refuses.
    public func protection(_ request: BoxRequest) -> String? {
        guard (try? BoxOperation.normalizedPath(request.path)) == request.path,
            let (operation, id) = Self.changedUser(request), case .known(let me) = signedIn
        else { return nil }
        if me == id { return "it is the signed-in user" }
        guard unresolvedLogins.isEmpty else { return nil }
        if protectedIDs.contains(id) { return "it is protected (--protect)" }
        if operation.effect == .delete && transferDestinations.contains(id) {
            return "it is the destination of a content transfer in this run"
        }
        return nil
    }

    /// Remembers what a change that goes ahead means for later ones (transfer destinations).
    public mutating func allowed(_ request: BoxRequest) {
        guard let keys = request.operation?.operation.contentGoesTo else { return }
        var to = request.body
        for k in keys { to = to?[k] }
        if let id = to?.stringValue ?? to?.intValue.map({ String($0) }) { transferDestinations.insert(id) }
    }

    static func describe(_ operation: BoxOperation, _ label: String) -> String {
        if operation.effect == .delete { return "delete \(label)" }
        if operation.contentGoesTo != nil { return "transfer the content of \(label)" }
        return "change \(label)"
    }
}

/// A plan that breaks a guard: the first line that does, and why.
public struct PlanGuardError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension ChangeGuard {
    /// Checks a whole plan before any of it is sent, as a run would check each change: the
    /// op is worked out again from method and path (a hand-edited `op` does not count), and
    /// every transfer destination of the plan is protected from deletion, wherever it stands.
    /// `given` holds the user apply is signed in as and the `--protect` users, looked up.
    public static func check(plan: Plan, guard given: ChangeGuard) throws(PlanGuardError) {
        var guard_ = given
        // BoxRequest works the operation out from method and path.
        let requests = plan.changes.map { BoxRequest($0.method, $0.path, body: $0.body) }
        requests.forEach { guard_.allowed($0) }
        for (index, change) in plan.changes.enumerated() {
            let label = { (id: String) in
                ChangeSubject(id: id, login: change.subject.id == id ? change.subject.login : nil).label
            }
            if let why = guard_.refusal(requests[index], label: label) {
                throw PlanGuardError(description: "plan line \(index + 2) (seq \(change.seq)): \(why)")
            }
        }
    }
}

extension ChangeGuard {
    /// True while something the guard needs is unknown: the signed-in user or a `--protect` login.
    public var needsLookUp: Bool {
        if case .known = signedIn { return !unresolvedLogins.isEmpty }
        return true
    }

    /// Reads what the guard does not know yet (real reads, as the signed-in account itself,
    /// whatever `--as-user` says), then calls `done` with the updated guard and the logins
    /// seen (id -> login). A failed read leaves its reason in the guard: it stays closed.
    public func lookUp(client: BoxClient, done: @escaping (ChangeGuard, [String: String]) -> Void) {
        var updated = self
        var seen: [String: String] = [:]
        var pending = 1 + unresolvedLogins.count
        func finish() {
            pending -= 1
            if pending == 0 { done(updated, seen) }
        }
        func why(_ e: BoxError) -> String { e.status > 0 ? "\(e.status) \(e.code)" : e.code }
        if case .known = signedIn {
            finish()
        } else {
            var me = BoxRequest("GET", "/2.0/users/me", query: [("fields", "id,login")])
            me.asUser = ""
            client.start(me) { result in
                switch result {
                case .success(let r):
                    if let json = try? r.json(), let id = json["id"]?.stringValue {
                        updated.signedIn = .known(id)
                        seen[id] = json["login"]?.stringValue
                    } else {
                        updated.signedIn = .lookUpFailed("GET /2.0/users/me answered without an id")
                    }
                case .failure(let e):
                    updated.signedIn = .lookUpFailed("GET /2.0/users/me: \(why(e))")
                }
                finish()
            }
        }
        for login in unresolvedLogins.keys.sorted() {
            var find = BoxRequest(
                "GET", "/2.0/users",
                query: [("filter_term", login), ("user_type", "all"), ("fields", "id,login"), ("limit", "1000")])
            find.asUser = ""
            client.start(find) { result in
                switch result {
                case .success(let r):
                    let entries = (try? r.json())?["entries"]?.arrayValue ?? []
                    let match = entries.first { $0["login"]?.stringValue?.lowercased() == login.lowercased() }
                    if let id = match?["id"]?.stringValue {
                        updated.resolved(login: login, id: id)
                        seen[id] = match?["login"]?.stringValue
                    } else {
                        updated.unresolved(login: login, why: "no user has that login")
                    }
                case .failure(let e):
                    updated.unresolved(login: login, why: "the look-up failed: \(why(e))")
                }
                finish()
            }
        }
    }
}
