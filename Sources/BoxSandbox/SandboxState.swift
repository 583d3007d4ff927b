/// The sandbox's mutable enterprise: users in id order with cached JSON, groups, events,
/// folders. Only touched while `Sandbox` holds its lock.
import JSON

/// A user and its serialized forms, keyed by the `fields` list ("" = standard).
final class UserSlot {
    var user: SandboxUser {
        didSet {
            cache.removeAll()
            isExternal = user.isExternal
        }
    }
    let number: Int64
    /// Kept beside the user so that scanning 100,000 slots never copies a user.
    private(set) var isExternal: Bool
    var cache: [String: [UInt8]] = [:]

    init(_ user: SandboxUser) {
        self.user = user
        self.number = Int64(user.id) ?? 0
        self.isExternal = user.isExternal
    }
}

final class SandboxState {
    let enterpriseID: String
    let enterpriseName: String
    let adminUserID: String
    let serviceAccountUserID: String
    var clients: [String: String]
    let primaryClientID: String

    private(set) var slots: [String: UserSlot] = [:]
    /// Every user in ascending numeric id order (the listing order).
    private(set) var order: [UserSlot] = []
    /// Bumped on every change to who exists or is external, so listings can cache counts.
    private(set) var version = 0
    var countCache: (version: Int, key: String, count: Int)? = nil
    private var nextNumber: Int64
    var groups: [String: SandboxGroup] = [:]
    var memberships: [SandboxMembership]
    var emailAliases: [SandboxEmailAlias]
    var verifiedDomains: [String]
    /// The last id given to a new group, membership or email alias.
    var nextObjectID: Int64 = 9_100_000
    var events: [SandboxEvent]
    /// `--generate`'s events, before `events` (see `eventLog`).
    let generatedLogins: GeneratedLogins?
    var nextInviteID: Int64 = 5_500_000
    /// Invites by id, as POST /invites answered them (GET /invites/{id} reads them back).
    var invites: [String: JSON] = [:]
    var eventCounter: Int64 = 0
    /// User id -> when a pending content transfer completes (`transfer_pending` fault), to whom,
    /// and the folder it fills.
    var pendingTransfers: [String: (until: Int64, to: String, folder: String)] = [:]
    /// Folders, collaborations and policies (SandboxContent.swift).
    var content: SandboxContent
    /// The last id given to a folder or collaboration made here.
    var lastContentNumber: Int64 = 190_000_000_000

    init(seed: SandboxSeed) {
        enterpriseID = seed.enterpriseID
        enterpriseName = seed.enterpriseName
        adminUserID = seed.adminUserID
        serviceAccountUserID = seed.serviceAccountUserID
        clients = [seed.clientID: seed.clientSecret]
        primaryClientID = seed.clientID
        memberships = seed.memberships
        emailAliases = seed.emailAliases
        verifiedDomains = seed.verifiedDomains.isEmpty ? Self.defaultDomains(seed) : seed.verifiedDomains
        let seededIDs = seed.groups.map(\.id) + seed.memberships.map(\.id) + seed.emailAliases.map(\.id)
        nextObjectID = seededIDs.compactMap { Int64($0) }.reduce(9_100_000, max)
        events = seed.events
        content = seed.content
        let contentIDs = (content.folders.map(\.id) + content.collaborations.map(\.id)).compactMap { Int64($0) }
        lastContentNumber = max(lastContentNumber, contentIDs.max() ?? 0)
        generatedLogins = seed.generatedLogins
        nextNumber = 0
        for g in seed.groups { groups[g.id] = g }
        let sorted = seed.users.map(UserSlot.init).sorted { $0.number < $1.number }
        order = sorted
        for s in sorted { slots[s.user.id] = s }
        nextNumber = (sorted.last?.number ?? 30_000_000_000) + 1
    }

    func user(_ id: String) -> SandboxUser? { slots[id]?.user }

    func update(_ id: String, _ change: (inout SandboxUser) -> Void) {
        guard let slot = slots[id] else { return }
        var u = slot.user
        change(&u)
        slot.user = u
        version += 1
    }

    /// Adds a user with a fresh id; returns it.
    func insert(_ make: (String) -> SandboxUser) -> SandboxUser {
        let id = String(nextNumber)
        nextNumber += 1
        let slot = UserSlot(make(id))
        slots[id] = slot
        order.append(slot)
        version += 1
        return slot.user
    }

    func remove(_ id: String) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        version += 1
        if let i = index(after: slot.number - 1), order[i] === slot { order.remove(at: i) }
        forgetUser(id)
        content.removeUser(id)
        pendingTransfers[id] = nil
    }

    /// The first position in `order` whose id number is greater than `number`.
    func index(after number: Int64) -> Int? {
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if order[mid].number <= number { lo = mid + 1 } else { hi = mid }
        }
        return lo < order.count ? lo : nil
    }

    func login(exists login: String) -> Bool {
        let l = login.lowercased()
        return order.contains { $0.user.login.lowercased() == l }
    }

    /// Whether the user's content is still theirs (a pending transfer keeps it until done):
    /// items of their root besides the modeled folders (`ownedItems`), or a folder they own.
    func ownsContent(_ id: String, now: Int64) -> Bool {
        settleTransfers(now: now)
        return (user(id)?.ownedItems ?? 0) > 0 || content.folders.contains { $0.ownerID == id }
    }

    func settleTransfers(now: Int64) {
        for (id, p) in pendingTransfers where p.until <= now {
            moveContent(from: id, to: p.to, into: p.folder)
            pendingTransfers[id] = nil
        }
    }

    /// Box's content transfer: `from`'s root items go into the folder `into` (in `to`'s root),
    /// their folders become `to`'s (SandboxContent.transfer).
    func moveContent(from: String, to: String, into: String) {
        guard let items = user(from)?.ownedItems, let used = user(from)?.spaceUsed else { return }
        if let i = content.folders.firstIndex(where: { $0.id == into }) {
            content.folders[i].fileCount += items
            content.folders[i].size += used
        }
        content.transfer(from: from, to: to, into: into)
        update(to) { $0.spaceUsed += used }
        update(from) {
            $0.ownedItems = 0; $0.spaceUsed = 0
        }
    }

    /// A fresh id for a folder or collaboration.
    func nextContentID() -> String {
        lastContentNumber += 1
        return String(lastContentNumber)
    }

    /// Records an admin event done by `actor` about `subject` (so changes show up in admin_logs).
    func record(_ type: String, actor: SandboxUser, subject: SandboxUser, now: Int64) {
        eventCounter += 1
        let id = "sandbox" + String(now) + String(eventCounter)
        events.append(
            SandboxEvent(
                eventID: id, eventType: type, createdAt: max(now, events.last?.createdAt ?? now), userID: actor.id,
                userName: actor.name, userLogin: actor.login, ipAddress: "127.0.0.1",
                source: SandboxEventUser(id: subject.id, name: subject.name, login: subject.login)))
    }

    /// The state as a seed (for `--save` and assertions).
    func seed() -> SandboxSeed {
        var s = SandboxSeed(
            enterpriseID: enterpriseID, enterpriseName: enterpriseName, clientID: primaryClientID,
            clientSecret: clients[primaryClientID] ?? "", adminUserID: adminUserID,
            serviceAccountUserID: serviceAccountUserID, users: order.map(\.user))
        s.groups = groups.values.sorted { $0.id < $1.id }
        s.memberships = memberships
        s.emailAliases = emailAliases
        s.verifiedDomains = verifiedDomains
        s.events = (0..<(generatedLogins?.count ?? 0)).map { generatedLogins!.event($0) } + events
        s.content = content
        return s
    }
}
