/// The enterprise a sandbox starts from, and its JSON form (`--seed`, `--save`; the format
/// is documented in README.md, "Sandbox seed format").
import FoundationEssentials
import Files
import JSON

public struct SandboxEvent: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var createdAt: Int64
    /// The acting user's mini fields, kept even after the user is deleted.
    public var userID: String
    public var userName: String
    public var userLogin: String
    public var ipAddress: String
    /// The user the event is about when that is not the actor (NEW_USER, EDIT_USER, DELETE_USER:
    /// the created, edited or deleted user), kept after that user is deleted; nil: the actor.
    public var source: SandboxEventUser? = nil
}

/// A user's mini fields as an event keeps them.
public struct SandboxEventUser: Sendable, Equatable {
    public var id: String
    public var name: String
    public var login: String
}

public struct SandboxSeedError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

public struct SandboxSeed: Sendable {
    public var enterpriseID: String
    public var enterpriseName: String
    public var clientID: String
    public var clientSecret: String
    public var adminUserID: String
    public var serviceAccountUserID: String
    public var users: [SandboxUser]
    public var groups: [SandboxGroup] = []
    public var memberships: [SandboxMembership] = []
    public var emailAliases: [SandboxEmailAlias] = []
    /// The email domains the enterprise has verified (aliases must be in one of them).
    public var verifiedDomains: [String] = []
    public var events: [SandboxEvent] = []
    /// Folders, collaborations, legal holds and retention policies (SandboxContent.swift).
    public var content = SandboxContent()
    /// `--generate`'s LOGIN events, computed rather than stored; they come before `events`.
    public var generatedLogins: GeneratedLogins? = nil

    public init(
        enterpriseID: String, enterpriseName: String, clientID: String, clientSecret: String,
        adminUserID: String, serviceAccountUserID: String, users: [SandboxUser]
    ) {
        self.enterpriseID = enterpriseID
        self.enterpriseName = enterpriseName
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.adminUserID = adminUserID
        self.serviceAccountUserID = serviceAccountUserID
        self.users = users
    }

    /// Reads a seed file; errors name the file and what is wrong.
    public static func load(from url: URL) throws -> SandboxSeed {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SandboxSeedError(message: "\(url.path): cannot read the seed file")
        }
        do {
            return try SeedCoding.decode(JSON.parse(Array(data)))
        } catch let e as JSONParseError {
            throw SandboxSeedError(message: "\(url.path): \(e)")
        } catch let e as SandboxSeedError {
            throw SandboxSeedError(message: "\(url.path): \(e.message)")
        }
    }

    /// A seed from its JSON form (what `load` reads from a file).
    public static func parse(_ json: JSON) throws -> SandboxSeed { try SeedCoding.decode(json) }

    /// The user fields a seed keeps: Box's User--Full fields (what `boxlua snapshot` asks for).
    public static var userFields: [String] { SandboxUser.standardFields + SandboxUser.fullOnlyFields }

    /// The group fields a seed keeps (what `boxlua snapshot` asks for).
    public static var groupFields: [String] {
        SandboxGroup.fullFields.filter { !["type", "group_type", "permissions"].contains($0) }
    }

    /// The seed as JSON, in the format `load` reads.
    public func json() -> JSON { SeedCoding.encode(self) }

    /// Writes the seed by the rules for files a user names (atomic; a link kept), mode 0600:
    /// it holds the app's client secret.
    public func save(to url: URL) throws {
        try Files.write(
            Array(json().serialized(pretty: true).utf8) + [0x0A], to: url.path, mode: 0o600, forceMode: true)
    }
}

extension SandboxSeed {
    /// The demo enterprise (see README, "The sandbox"); `extraUsers` adds that many plain
    /// managed users, e.g. 100_000 for benchmarks.
    public static func demo(extraUsers: Int = 0) -> SandboxSeed {
        DemoEnterprise.seed(extraUsers: extraUsers)
    }
}
