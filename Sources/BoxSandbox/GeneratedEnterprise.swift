/// `boxlua sandbox --generate users=N,events=M,days=D[,groups=G]`: an enterprise of any size,
/// the same on every start (a fixed-seed generator; only "today" moves), in the demo's shape:
/// the demo's admin and service account, managed users of every status and role, groups with
/// members, and M LOGIN events spread over the D days before today's midnight (UTC).
///
/// The events are never stored: event k is a function of k (its time, user, address and id),
/// so two million of them cost no memory and start at once; see `GeneratedLogins`.
import JSON

public struct GenerateSpec: Sendable, Equatable {
    /// Users in all, the admin and the service account among them.
    public var users: Int
    public var events: Int
    public var days: Int
    public var groups: Int

    public static let keys = ["users", "events", "days", "groups"]
    static let maxUsers = 2_000_000
    static let maxEvents = 1_000_000_000
    static let maxDays = 3650

    public init(users: Int, events: Int, days: Int, groups: Int = 8) {
        self.users = users
        self.events = events
        self.days = days
        self.groups = groups
    }

    /// Parses `users=N,events=M,days=D[,groups=G]`; errors name the key and what it needs.
    public init(spec: String) throws(SandboxSeedError) {
        var values: [String: Int] = [:]
        for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = kv[0].trimmingWhitespace()
            guard Self.keys.contains(key) else {
                throw SandboxSeedError(message: "unknown key '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
            }
            guard values[key] == nil else { throw SandboxSeedError(message: "'\(key)' is given twice") }
            guard kv.count == 2, let n = Int(kv[1].trimmingWhitespace()), n >= 0 else {
                throw SandboxSeedError(message: "'\(key)' needs a whole number >= 0 (\(key)=N)")
            }
            values[key] = n
        }
        for key in ["users", "events", "days"] where values[key] == nil {
            throw SandboxSeedError(message: "'\(key)' is missing (users=N,events=M,days=D[,groups=G])")
        }
        self.init(
            users: values["users"]!, events: values["events"]!, days: values["days"]!, groups: values["groups"] ?? 8)
        guard (2...Self.maxUsers).contains(users) else {
            throw SandboxSeedError(
                message: "'users' must be from 2 (the admin and the service account) to \(Self.maxUsers)")
        }
        guard events <= Self.maxEvents else {
            throw SandboxSeedError(message: "'events' must be at most \(Self.maxEvents)")
        }
        guard (1...Self.maxDays).contains(days) else {
            throw SandboxSeedError(message: "'days' must be from 1 to \(Self.maxDays)")
        }
        guard groups <= users else { throw SandboxSeedError(message: "'groups' must be at most 'users'") }
    }
}

extension SandboxSeed {
    /// The enterprise `spec` describes, with its events over the days before `today`'s midnight.
    public static func generated(_ spec: GenerateSpec, today: Int64 = BoxTime.now()) -> SandboxSeed {
        GeneratedEnterprise.seed(spec, today: today)
    }
}

enum GeneratedEnterprise {
    static func seed(_ spec: GenerateSpec, today: Int64) -> SandboxSeed {
        let demo = DemoEnterprise.people()
        let admin = demo[0].user, service = demo[1].user
        var s = SandboxSeed(
            enterpriseID: DemoEnterprise.enterpriseID, enterpriseName: DemoEnterprise.enterpriseName,
            clientID: "nw4kq8m2x7sandboxclient0000000001", clientSecret: "nwSandboxSecret9c3f7a21e5b84d06",
            adminUserID: admin.id, serviceAccountUserID: service.id, users: [admin, service])
        s.users.reserveCapacity(spec.users)
        var r = SeededRandom(seed: 0x6E4E_2A7E)
        for n in 2..<spec.users { s.users.append(user(n, &r)) }
        let departments = DemoEnterprise.departments
        s.groups = (0..<spec.groups).map { g in
            let name = departments[g % departments.count].0
            return SandboxGroup(
                id: String(7_100_000 + g * 11),
                name: g < departments.count ? name : "\(name) \(g / departments.count + 1)")
        }
        if spec.groups > 0 {
            for n in 2..<spec.users where n % 3 != 0 {
                let u = s.users[n]
                s.memberships.append(
                    SandboxMembership(
                        id: String(8_200_000 + s.memberships.count), userID: u.id,
                        groupID: s.groups[n % spec.groups].id, role: n % 29 == 1 ? "admin" : "member",
                        createdAt: u.createdAt + 3600))
            }
        }
        // Who signs in: the admin and the managed users, except one in twenty who never does.
        let people = s.users.enumerated().filter { n, u in n != 1 && n % 20 != 4 }.map { _, u in
            SandboxEventUser(id: u.id, name: u.name, login: u.login)
        }
        let midnight = today - ((today % 86400) + 86400) % 86400
        s.generatedLogins = GeneratedLogins(
            count: spec.events, start: midnight - Int64(spec.days) * 86400, span: Int64(spec.days) * 86400,
            people: people)
        return s
    }

    /// Managed user n (n >= 2): the demo's names, departments, statuses and roles.
    static func user(_ n: Int, _ r: inout SeededRandom) -> SandboxUser {
        let first = DemoEnterprise.firstNames[n % DemoEnterprise.firstNames.count]
        let last = DemoEnterprise.lastNames[(n / DemoEnterprise.firstNames.count) % DemoEnterprise.lastNames.count]
        let (_, title) = DemoEnterprise.departments[n % DemoEnterprise.departments.count]
        let plain = DemoEnterprise.asciiFold(first + "." + last).lowercased().replacingApostrophes()
        var u = SandboxUser(
            id: DemoEnterprise.userID(n), name: "\(first) \(last)", login: "\(plain).\(n)@\(DemoEnterprise.domain)",
            createdAt: 1_500_000_000 + Int64(r.int(0...200_000_000)), enterpriseID: DemoEnterprise.enterpriseID)
        u.modifiedAt = u.createdAt + Int64(r.int(0...30_000_000))
        u.jobTitle = title
        switch n % 40 {
        case 3, 23: u.status = "inactive"
        case 13: u.status = "cannot_delete_edit"
        case 33: u.status = "cannot_delete_edit_upload"
        default: u.status = "active"
        }
        u.role = n % 50 == 7 ? "coadmin" : "user"
        u.ownedItems = r.chance(40) ? r.int(1...400) : 0
        u.spaceUsed = Int64(u.ownedItems) * Int64(r.int(50_000...5_000_000))
        return u
    }
}

/// M LOGIN events, oldest first, computed from their index: event k falls in the k-th of M
/// equal parts of the window (so the times never go back), at a point, by a user and from an
/// address that a hash of k picks.
public struct GeneratedLogins: Sendable, Equatable {
    public let count: Int
    /// The window's first second and its length in seconds.
    public let start: Int64
    public let span: Int64
    let people: [SandboxEventUser]

    init(count: Int, start: Int64, span: Int64, people: [SandboxEventUser]) {
        self.count = people.isEmpty ? 0 : count
        self.start = start
        self.span = span
        self.people = people
    }

    /// SplitMix64's finaliser over k and a salt: a fixed, well-spread number per event.
    static func hash(_ k: Int, _ salt: UInt64) -> UInt64 {
        var z = UInt64(truncatingIfNeeded: k) &* 0x9E37_79B9_7F4A_7C15 &+ salt
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func partStart(_ k: Int) -> Int64 { start + Int64(k) * span / Int64(max(count, 1)) }

    public func createdAt(_ k: Int) -> Int64 {
        let from = partStart(k), width = max(1, partStart(k + 1) - from)
        return from + Int64(Self.hash(k, 0x7117) % UInt64(width))
    }

    public func event(_ k: Int) -> SandboxEvent {
        let who = people[Int(Self.hash(k, 0x5E7) % UInt64(people.count))]
        let a = Self.hash(k, 0xAD0)
        let ip = "10.\(a & 31).\((a >> 8) & 255).\(1 + (a >> 16) % 254)"
        // 40 hex digits from three hashes, written digit by digit (millions of events are made).
        var id = [UInt8]()
        id.reserveCapacity(48)
        for j in 0..<3 {
            let v = Self.hash(k, 0xE1D + UInt64(j))
            for shift in stride(from: 60, through: 0, by: -4) { id.append(Self.hex[Int((v >> UInt64(shift)) & 15)]) }
        }
        return SandboxEvent(
            eventID: String(decoding: id[..<40], as: UTF8.self), eventType: "LOGIN", createdAt: createdAt(k),
            userID: who.id, userName: who.name,
            userLogin: who.login, ipAddress: ip)
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
