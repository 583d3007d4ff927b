/// The demo enterprise: the same people, roles, content, groups and six months of LOGIN
/// events on every start (a fixed-seed generator; only "today" moves).
import JSON

/// A small deterministic generator (SplitMix64), so the demo never depends on the platform.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ a: [T]) -> T { a[int(0...a.count - 1)] }

    mutating func token(_ n: Int) -> String {
        let chars = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<n).map { _ in pick(chars) })
    }
}

/// One person of the demo enterprise, with what the Active Directory export says of them.
struct DemoPerson {
    var user: SandboxUser
    var samAccountName: String
    var department: String
    var leaver: Bool
    /// Days since the last LOGIN, nil: never signed in.
    var lastLoginDaysAgo: Int?
    var loginEveryDays: Int
}

public enum DemoEnterprise {
    static let enterpriseID = "920512"
    static let enterpriseName = "Northwind Traders"
    static let serviceID = "2871043"
    static let domain = "northwind.example"
    static let firstIDNumber: Int64 = 30_000_000_001

    static let firstNames = [
        "Alex", "Maria", "James", "Priya", "Chen", "Fatima", "Liam", "Sofia", "Noah", "Aisha", "Lucas", "Elena",
        "Omar", "Hannah", "Mateo", "Yuki", "Daniel", "Zoe", "Ivan", "Grace", "Samuel", "Leila", "Ethan", "Nora",
        "Kofi", "Ingrid", "Rafael", "Mei", "Tomás", "Chloé",
    ]
    static let lastNames = [
        "Morgan", "Garcia", "Smith", "Patel", "Wang", "Khan", "Murphy", "Rossi", "Johnson", "Bello", "Silva",
        "Petrova", "Haddad", "Schmidt", "Lopez", "Tanaka", "Okafor", "Nguyen", "Novak", "O'Brien", "Andersen",
        "Dubois", "Kowalski", "Müller", "Reyes",
    ]
    static let departments = [
        ("Sales", "Account Executive"), ("Engineering", "Software Engineer"), ("Finance", "Financial Analyst"),
        ("Marketing", "Marketing Manager"), ("Support", "Support Specialist"), ("Legal", "Counsel"),
        ("Operations", "Operations Lead"), ("HR", "HR Partner"),
    ]
    /// How many managed people (besides the admin and the service account) the demo has.
    static let peopleCount = 300

    /// The demo seed; `extraUsers` adds that many plain managed users (for benchmarks).
    public static func seed(extraUsers: Int = 0, today: Int64 = BoxTime.now()) -> SandboxSeed {
        let people = people()
        var s = SandboxSeed(
            enterpriseID: enterpriseID, enterpriseName: enterpriseName,
            clientID: "nw4kq8m2x7sandboxclient0000000001", clientSecret: "nwSandboxSecret9c3f7a21e5b84d06",
            adminUserID: people[0].user.id, serviceAccountUserID: people[1].user.id, users: people.map(\.user))
        s.users += appUsers(after: people.count) + externalUsers(after: people.count + appUserCount)
        (s.groups, s.memberships) = groups(people)
        s.groups = describe(s.groups)
        s.emailAliases = emailAliases(people)
        s.verifiedDomains = verifiedDomains
        s.events = loginEvents(people, today: today)
        s.content = content(people, externals: s.users.filter(\.isExternal))
        addBulkUsers(extraUsers, to: &s)
        return s
    }

    static let appUserCount = 8

    /// Adds `n` plain active managed users with ids after every existing one.
    static func addBulkUsers(_ n: Int, to s: inout SandboxSeed) {
        guard n > 0 else { return }
        let base = (s.users.compactMap { Int64($0.id) }.max() ?? firstIDNumber) + 1
        s.users.reserveCapacity(s.users.count + n)
        for i in 0..<n {
            let num = String(i + 1)
            let padded = String(repeating: "0", count: max(0, 6 - num.count)) + num
            var u = SandboxUser(
                id: String(base + Int64(i)), name: "Bench User \(padded)", login: "bench\(padded)@\(domain)",
                createdAt: 1_640_995_200 + Int64(i) * 60, enterpriseID: s.enterpriseID)
            u.jobTitle = "Benchmark"
            s.users.append(u)
        }
    }

    static func userID(_ n: Int) -> String { String(firstIDNumber + Int64(n) * 3) }

    /// The admin, the service account, then the managed people, in id order.
    static func people() -> [DemoPerson] {
        var r = SeededRandom(seed: 0xB0C5_1A4D)
        var out: [DemoPerson] = []
        var admin = SandboxUser(
            id: userID(0), name: "Alex Morgan", login: "alex.morgan@\(domain)", createdAt: 1_420_099_200,
            enterpriseID: enterpriseID)
        admin.role = "admin"
        admin.jobTitle = "IT Director"
        admin.phone = "+1 206 555 0100"
        out.append(
            DemoPerson(
                user: admin, samAccountName: "amorgan", department: "IT", leaver: false, lastLoginDaysAgo: 1,
                loginEveryDays: 1))
        var service = SandboxUser(
            id: userID(1), name: "Northwind Offboarding",
            login: "AutomationUser_\(serviceID)_\(r.token(10))@boxdevedition.com",
            createdAt: 1_672_560_000, enterpriseID: enterpriseID)
        service.role = "coadmin"
        service.canSeeManagedUsers = true
        out.append(
            DemoPerson(
                user: service, samAccountName: "", department: "", leaver: false, lastLoginDaysAgo: nil,
                loginEveryDays: 0))
        var usedSam = Set(["amorgan"])
        for n in 0..<peopleCount {
            out.append(person(n, &r, &usedSam))
        }
        return out
    }

    private static func person(_ n: Int, _ r: inout SeededRandom, _ usedSam: inout Set<String>) -> DemoPerson {
        let first = firstNames[(n + 1) % firstNames.count]
        let last = lastNames[(n / firstNames.count + n * 7) % lastNames.count]
        let (dept, title) = r.pick(departments)
        let plain = asciiFold(first + "." + last).lowercased().replacingApostrophes()
        var login = "\(plain)@\(domain)"
        var sam = String(asciiFold(String(first.prefix(1)) + last).lowercased().replacingApostrophes().prefix(20))
        if usedSam.contains(sam) {
            sam += String(n)
            login = "\(plain)\(n)@\(domain)"
        }
        usedSam.insert(sam)
        var u = SandboxUser(
            id: userID(n + 2), name: "\(first) \(last)", login: login,
            createdAt: 1_500_000_000 + Int64(r.int(0...200_000_000)), enterpriseID: enterpriseID)
        u.modifiedAt = u.createdAt + Int64(r.int(0...30_000_000))
        u.jobTitle = title
        u.phone = r.chance(60) ? "+1 206 555 \(1000 + n)" : ""
        u.address = r.chance(30) ? "\(100 + n) Pike St, Seattle, WA" : ""
        let leaver = n % 12 == 5  // 25 leavers, a known set
        u.status = status(n, leaver: leaver, &r)
        u.role = n % 50 == 7 ? "coadmin" : "user"
        u.ownedItems = (leaver ? n % 24 < 15 : r.chance(40)) ? r.int(1...400) : 0
        u.spaceUsed = Int64(u.ownedItems) * Int64(r.int(50_000...5_000_000))
        if r.chance(10) {
            u.notificationEmail = "\(plain)@personal.example"; u.notificationEmailConfirmed = r.chance(50)
        }
        if n % 9 == 0 { u.trackingCodes = [["type": "tracking_code", "name": "department", "value": .string(dept)]] }
        let lastLogin: Int? = loginProfile(n, leaver: leaver, &r)
        return DemoPerson(
            user: u, samAccountName: sam, department: dept, leaver: leaver, lastLoginDaysAgo: lastLogin,
            loginEveryDays: r.int(1...6))
    }

    private static func status(_ n: Int, leaver: Bool, _ r: inout SeededRandom) -> String {
        if leaver { return n % 36 == 17 ? "inactive" : "active" }
        switch n % 40 {
        case 3, 23: return "inactive"
        case 13: return "cannot_delete_edit"
        case 33: return "cannot_delete_edit_upload"
        default: return "active"
        }
    }

    /// Days since the last LOGIN: most sign in often, some are stale, some never signed in.
    private static func loginProfile(_ n: Int, leaver: Bool, _ r: inout SeededRandom) -> Int? {
        if leaver { return n % 5 == 0 ? nil : r.int(20...150) }
        switch n % 20 {
        case 4: return nil
        case 9, 14: return r.int(95...178)
        default: return r.int(1...20)
        }
    }

    static func asciiFold(_ s: String) -> String {
        let map: [Character: String] = [
            "á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u", "ñ": "n", "ç": "c", "à": "a",
        ]
        return s.map { map[$0] ?? String($0) }.joined()
    }
}

extension String {
    func replacingApostrophes() -> String { filter { $0 != "'" } }
}
