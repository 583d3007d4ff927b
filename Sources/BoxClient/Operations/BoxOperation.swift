/// One Box operation as data: a row of the table in `BoxOperations.swift`, from which the Lua
/// function, its argument checks, the request, the guards' view of it, its dry-run answer, the
/// check of an unknown outcome and its reference entry are all derived.
///
/// The client knows nothing of Lua: arguments are described abstractly here, and BoxLua's
/// `box.lua` turns each row into a function with Lua's argument errors.
import JSON

public struct BoxOperation: Sendable {
    /// `users.delete`: the Lua function `box.users.delete`, and the op of plans and audit lines.
    public let name: String
    public let method: String
    /// `/2.0/users/{user_id}/folders/0`: each `{parameter}` is filled, percent-encoded, from an
    /// id argument (``Argument/id(_:to:)`` with ``Place/path(_:)``).
    public let path: String
    /// The positional arguments, in order.
    public let arguments: [Argument]
    /// The keys of the options table (an ``Argument/options(required:)`` argument), in the
    /// order they are checked and listed in "unknown option" errors.
    public let options: [Option]
    /// Checks across arguments, after each argument is checked.
    public let rules: [Rule]
    /// Query parameters every call carries (`stream_type=admin_logs`).
    public let fixedQuery: [(String, String)]
    public let effect: Effect
    /// What the operation acts on: the guards' and the plan's subject.
    public let subject: SubjectRule?
    /// A change that gives the content of its subject to the user found at this body path
    /// (transfer destinations are never deleted in the same run).
    public let contentGoesTo: [String]?
    /// Listings: how pages are fetched. The Lua function returns an iterator.
    public let paging: Paging?
    public let returns: Returns
    public let dryRun: DryRunAnswer
    /// What a dry-run line says the change does, after its subject.
    public let preview: Preview
    /// What reads can tell that makes Box refuse the change (a dry run warns of it).
    public let refusals: [PredictedRefusal]
    public let check: OutcomeCheck
    /// Seconds for one request of this operation; nil uses the client's timeout.
    public let timeout: Double?
    public let doc: Doc

    public init(
        _ name: String, _ method: String, _ path: String, arguments: [Argument] = [], options: [Option] = [],
        rules: [Rule] = [], fixedQuery: [(String, String)] = [], effect: Effect = .read, subject: SubjectRule? = nil,
        contentGoesTo: [String]? = nil, paging: Paging? = nil, returns: Returns = .record,
        dryRun: DryRunAnswer = .echo, preview: Preview = .none, refusals: [PredictedRefusal] = [],
        check: OutcomeCheck = .cannotCheck("a read is never resent"), timeout: Double? = nil, doc: Doc
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.arguments = arguments
        self.options = options
        self.rules = rules
        self.fixedQuery = fixedQuery
        self.effect = effect
        self.subject = subject
        self.contentGoesTo = contentGoesTo
        self.paging = paging
        self.returns = returns
        self.dryRun = dryRun
        self.preview = preview
        self.refusals = refusals
        self.check = check
        self.timeout = timeout
        self.doc = doc
    }

    /// What a record's id names, for the guards, the plan's subject and error texts
    /// ("user id must be digits").
    public enum SubjectKind: String, Sendable {
        case user, invite, group, membership, folder, collaboration
        case emailAlias = "email alias"
    }

    /// Where an argument's value goes in the request.
    public enum Place: Sendable, Equatable {
        /// A path parameter of the template.
        case path(String)
        /// A query parameter.
        case query(String)
        /// A key path in the JSON body (`["owned_by", "id"]`).
        case body([String])
    }

    public enum Argument: Sendable {
        /// A Box id (digits): a string, an integer, or a record table with an `id`.
        case id(SubjectKind, to: Place)
        /// A table passed through as the JSON body (any field Box takes); the keys named must be
        /// strings, except where the key `unless` names is truthy.
        case body(required: [RequiredKey])
        /// A table of ``BoxOperation/options``; `required`: the table itself must be given.
        case options(required: Bool)
        /// A string (add_email_alias's email).
        case text(to: Place)
    }

    public struct RequiredKey: Sendable {
        public let key: String
        public let unless: String?
        public init(_ key: String, unless: String? = nil) {
            self.key = key
            self.unless = unless
        }
    }

    public struct Option: Sendable {
        public enum Kind: String, Sendable {
            /// A boolean, sent as `true`/`false`.
            case flag
            case string
            /// An array or a comma-separated string; id, type, name and login always added.
            case fields
            /// A positive integer, capped at `max`.
            case positiveInteger = "positive_integer"
            /// An array of strings or a comma-separated string, sent comma-separated.
            case list
            /// An ISO 8601 string, or a number of Unix seconds.
            case time
            /// An id as a string or integer.
            case id
            /// An array of ids (digits; records and integers accepted).
            case idList = "id_list"
            /// An array of strings (records' ids and integers accepted).
            case stringList = "string_list"
        }

        public let key: String
        public let kind: Kind
        public let to: Place
        /// Sent when the option is absent (delete's `force=false`); nil sends nothing.
        public let absent: JSON?
        /// The option must be given (checked before the others).
        public let required: Bool
        /// The largest value a ``Kind/positiveInteger`` option sends.
        public let max: Int?

        public init(
            _ key: String, _ kind: Kind, to: Place? = nil, absent: JSON? = nil, required: Bool = false, max: Int? = nil
        ) {
            self.key = key
            self.kind = kind
            self.to = to ?? .query(key)
            self.absent = absent
            self.required = required
            self.max = max
        }
    }

    public enum Rule: Sendable {
        /// The first two id arguments must differ; the message is the argument error.
        case differentIDs(String)
        /// At least one of these options must be a non-empty list: "give A or B".
        case atLeastOne([String])
    }

    public enum Effect: String, Sendable {
        /// Never intercepted by a dry run.
        case read
        /// A change: recorded by a dry run, guarded, audited.
        case change
        /// A change that deletes its subject: counted by `--max-deletes`.
        case delete
    }

    /// Which record an operation acts on, and where the request names it.
    public struct SubjectRule: Sendable {
        public let kind: SubjectKind
        public let at: Place
        public init(_ kind: SubjectKind, at: Place) {
            self.kind = kind
            self.at = at
        }
    }

    public enum Paging: Sendable {
        /// `usemarker`; the query's `limit` (or `maxLimit`) a page.
        case marker(maxLimit: Int)
        case offset(limit: Int)
        /// An event stream from position 0.
        case stream(limit: Int)
    }

    /// What the Lua function returns.
    public enum Returns: String, Sendable {
        /// The decoded body (true for an empty one).
        case record
        /// Always true (a delete).
        case `true`
        /// The body's `message` field.
        case message
        /// The body's `entries` (a collection Box does not page).
        case entries
    }

    /// The plausible result a dry run answers with (see `DryRunResults`).
    public enum DryRunAnswer: Sendable, Equatable {
        /// The subject as read now, merged with the body's fields.
        case mergedSubject
        /// 204, no body.
        case noContent
        /// A placeholder folder owned by the transfer's destination.
        case transferFolder
        /// A placeholder user made of the body's fields.
        case createdUser
        /// A placeholder invite for the body's enterprise and login.
        case createdInvite
        /// A placeholder record of this type made of the body's fields.
        case created(type: String)
        /// 202 with Box's message.
        case accepted(String)
        /// The body echoed (what `box.request` changes get).
        case echo

        /// Whether the answer needs the subject as Box has it now.
        public var needsCurrentSubject: Bool { self == .mergedSubject || self == .transferFolder }
    }

    /// What a dry-run line adds after the subject (CONTRACT.md, "Dry run and plans").
    public enum Preview: Sendable, Equatable {
        case none
        /// Each field of the body whose value differs from the subject's as read now:
        /// `status: active -> inactive`.
        case fieldChanges
        /// The user at ``BoxOperation/contentGoesTo``: `to 17 (svc@example.com)`.
        case contentTo
        /// The names of these query flags that are `true`: `force`.
        case trueFlags([String])
    }

    /// A reason Box refuses a change that a dry run can tell from reads.
    public enum PredictedRefusal: Sendable, Equatable {
        /// The subject (a user) still owns content (`space_used` above 0), no transfer of it
        /// comes before in the run, and the query's `force` is not `true`: Box answers 400
        /// "User has managed content".
        case subjectOwnsContent
    }

    /// How a change whose outcome is unknown is checked on Box before it is sent again.
    public enum OutcomeCheck: Sendable, Equatable {
        /// Made when the subject has every field the body sets.
        case subjectHasFields
        /// Made when the subject is gone (404).
        case subjectGone
        /// Made when the subject owns nothing any more (`space_used` 0).
        case subjectOwnsNothing
        /// Made when a user with the body's login (an app user: its external_app_user_id, else
        /// its name) exists.
        case createdUserExists
        /// Made when a group of the body's name exists (names are unique, ignoring case).
        case createdGroupExists
        /// Made when the body's user is a member of the body's group.
        case membershipExists
        /// Made when the path's user has an alias with the body's email.
        case aliasExists
        /// Made when the path's user no longer has the path's alias.
        case aliasGone
        /// Never checked, for this reason: not resent.
        case cannotCheck(String)
    }

    /// The reference entry: `help(fn)` and README's "Lua API reference".
    public struct Doc: Sendable {
        public let signature: String
        public let summary: String
        public let details: String
        public init(_ signature: String, _ summary: String, _ details: String = "") {
            self.signature = signature
            self.summary = summary
            self.details = details
        }
    }

    /// The template's path parameters, in order.
    public var pathParameters: [String] {
        Self.segments(path).compactMap(Self.parameterName)
    }

    /// The request for given path parameters (percent-encoded into the template), query
    /// (after the fixed query) and body.
    public func request(
        _ parameters: [String: String], query: [(String, String)] = [], body: JSON? = nil, asUser: String? = nil
    ) -> BoxRequest {
        let filled = Self.segments(path).map { segment in
            Self.parameterName(segment).map { percentEncode(parameters[$0] ?? "") } ?? segment
        }
        return BoxRequest(
            method, "/" + filled.joined(separator: "/"), query: fixedQuery + query, body: body, asUser: asUser,
            timeout: timeout)
    }

    /// The request with the path parameters given in template order.
    public func request(
        _ ids: String..., query: [(String, String)] = [], body: JSON? = nil, asUser: String? = nil
    ) -> BoxRequest {
        request(Dictionary(uniqueKeysWithValues: zip(pathParameters, ids)), query: query, body: body, asUser: asUser)
    }

    static func segments(_ path: String) -> [String] {
        let bare = path.split(separator: "?", maxSplits: 1).first ?? ""
        return bare.split(separator: "/").map(String.init)
    }

    static func parameterName(_ segment: String) -> String? {
        guard segment.count > 2, segment.first == "{", segment.last == "}" else { return nil }
        return String(segment.dropFirst().dropLast())
    }
}

/// An operation found from a request's method and path, with its path parameters.
public struct OperationMatch: Sendable {
    public let operation: BoxOperation
    public let parameters: [String: String]

    /// The record the request acts on, from the path or the body as the row says.
    public func subject(body: JSON?) -> OperationSubject? {
        guard let rule = operation.subject else { return nil }
        switch rule.at {
        case .path(let name): return parameters[name].map { OperationSubject(kind: rule.kind, id: $0) }
        case .body(let keys):
            var v = body
            for k in keys { v = v?[k] }
            guard let id = v?.stringValue ?? v?.intValue.map({ String($0) }) else { return nil }
            return OperationSubject(kind: rule.kind, id: id)
        case .query: return nil
        }
    }
}

/// The record a request acts on: `user 42`.
public struct OperationSubject: Sendable, Equatable {
    public let kind: BoxOperation.SubjectKind
    public let id: String
    public init(kind: BoxOperation.SubjectKind, id: String) {
        self.kind = kind
        self.id = id
    }
}

extension BoxOperations {
    /// The row a request is an instance of: same method, and each segment of the path equal
    /// to the template's or filling one of its parameters; where several fit, the one with
    /// more fixed segments (`/2.0/users/me` is users.me, not users.get). Nil: a `request`.
    public static func match(method: String, path: String) -> OperationMatch? {
        let segments = BoxOperation.segments(path)
        let method = method.uppercased()
        return best(segments, all.filter { $0.method == method }, prefix: false)
    }

    /// The subject of a path no row matches, from the longest row template that is a prefix of
    /// it (`/2.0/users/42/avatar` acts on user 42): so `box.request` changes under a user are
    /// guarded and labelled as that user's.
    public static func subject(underPath path: String) -> OperationSubject? {
        let segments = BoxOperation.segments(path)
        return best(segments, all, prefix: true)?.subject(body: nil)
    }

    private static func best(_ segments: [String], _ rows: [BoxOperation], prefix: Bool) -> OperationMatch? {
        var found: (match: OperationMatch, length: Int, literals: Int)?
        for row in rows {
            let template = BoxOperation.segments(row.path)
            guard prefix ? template.count <= segments.count : template.count == segments.count else { continue }
            var parameters: [String: String] = [:]
            var literals = 0
            var fits = true
            for (t, s) in zip(template, segments) {
                if let name = BoxOperation.parameterName(t) {
                    parameters[name] = s
                } else if t == s {
                    literals += 1
                } else {
                    fits = false
                    break
                }
            }
            guard fits else { continue }
            if let f = found, (f.length, f.literals) >= (template.count, literals) { continue }
            found = (OperationMatch(operation: row, parameters: parameters), template.count, literals)
        }
        return found?.match
    }

    /// The row named `name` (`users.delete`).
    public static func named(_ name: String) -> BoxOperation? {
        all.first { $0.name == name }
    }
}
