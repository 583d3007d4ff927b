/// What users own and share, and the governance that keeps it: folders (names, sizes and
/// counts, never file contents), collaborations on them, legal hold and retention policies
/// with their assignments. Box's rules over them (which deletes Box refuses, what a content
/// transfer moves) are here; README, "The sandbox", cites their sources.
import JSON

public struct SandboxFolder: Sendable, Equatable {
    public var id: String
    public var name: String
    public var ownerID: String
    /// "0": the owner's root.
    public var parentID: String = "0"
    public var size: Int64 = 0
    /// Files directly inside (not modeled one by one: there are no file routes).
    public var fileCount = 0
    public var createdAt: Int64
    public var modifiedAt: Int64

    public init(id: String, name: String, ownerID: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.createdAt = createdAt
        self.modifiedAt = createdAt
    }
}

public struct SandboxCollaboration: Sendable, Equatable {
    public var id: String
    public var folderID: String
    /// The collaborator: a user of the sandbox, managed or external.
    public var userID: String
    public var role = "editor"
    /// accepted, pending or rejected.
    public var status = "accepted"
    public var createdByID: String
    public var createdAt: Int64
    public var modifiedAt: Int64

    public init(id: String, folderID: String, userID: String, createdByID: String, createdAt: Int64) {
        self.id = id
        self.folderID = folderID
        self.userID = userID
        self.createdByID = createdByID
        self.createdAt = createdAt
        self.modifiedAt = createdAt
    }

    static let roles = [
        "editor", "viewer", "previewer", "uploader", "previewer uploader", "viewer uploader", "co-owner", "owner",
    ]
}

/// A policy assignment: what a legal hold (user, folder, file, file_version, ownership,
/// interactions) or a retention policy (enterprise, folder, metadata_template) covers.
public struct SandboxAssignment: Sendable, Equatable {
    public var id: String
    public var type: String
    /// nil for a retention policy assigned to the whole enterprise.
    public var itemID: String?
    public var assignedAt: Int64
}

public struct SandboxLegalHold: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description = ""
    /// active, applying, releasing or released.
    public var status = "active"
    public var createdByID: String
    public var createdAt: Int64
    public var assignments: [SandboxAssignment] = []

    public init(id: String, name: String, createdByID: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdByID = createdByID
        self.createdAt = createdAt
    }

    static let statuses = ["active", "applying", "releasing", "released"]
    static let assignmentTypes = ["file", "file_version", "folder", "user", "ownership", "interactions"]
}

public struct SandboxRetentionPolicy: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description = ""
    /// finite or indefinite.
    public var policyType = "indefinite"
    /// Days, for a finite policy.
    public var retentionDays: Int? = nil
    public var dispositionAction = "remove_retention"
    /// active or retired.
    public var status = "active"
    public var createdByID: String
    public var createdAt: Int64
    public var assignments: [SandboxAssignment] = []

    public init(id: String, name: String, createdByID: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.createdByID = createdByID
        self.createdAt = createdAt
    }

    static let statuses = ["active", "retired"]
    static let assignmentTypes = ["enterprise", "folder", "metadata_template"]
}

/// Folders, collaborations and policies of one enterprise.
public struct SandboxContent: Sendable, Equatable {
    public var folders: [SandboxFolder] = []
    public var collaborations: [SandboxCollaboration] = []
    public var legalHolds: [SandboxLegalHold] = []
    public var retentionPolicies: [SandboxRetentionPolicy] = []

    public init() {}

    func folder(_ id: String) -> SandboxFolder? { folders.first { $0.id == id } }

    func children(of id: String) -> [SandboxFolder] { folders.filter { $0.parentID == id } }

    /// The folders in `userID`'s root: those the user owns there, then those shared with the
    /// user by an accepted collaboration (Box shows both in All Files).
    func root(of userID: String) -> [SandboxFolder] {
        let shared = Set(collaborations.filter { $0.userID == userID && $0.status == "accepted" }.map(\.folderID))
        return folders.filter { ($0.ownerID == userID && $0.parentID == "0") || shared.contains($0.id) }
    }

    /// The policy that makes Box refuse to delete a user who owns content, if any: Box refuses
    /// while the enterprise has any legal hold or retention policy, whether or not it covers
    /// that user's content (support article 33282413279635). Released holds hold nothing; a
    /// retired retention policy still counts (support article 360043694514).
    var deleteBlockingPolicy: String? {
        if let h = legalHolds.first(where: { $0.status != "released" }) { return "legal hold '\(h.name)'" }
        if let r = retentionPolicies.first { return "retention policy '\(r.name)'" }
        return nil
    }

    /// Box's transfer of owned content (PUT /users/{id}/folders/0): everything in `from`'s root
    /// moves into `into` (a folder in `to`'s root), and every folder `from` owns becomes `to`'s
    /// with its collaborations kept ("folder-level collaborations move": Box's OpenAPI
    /// description of the operation; "users do not lose access after the transfer": support
    /// article 360043694514). A collaboration of `to` on a moved folder ends: it is theirs now.
    mutating func transfer(from: String, to: String, into: String) {
        let moved = Set(folders.filter { $0.ownerID == from }.map(\.id))
        for i in folders.indices where moved.contains(folders[i].id) {
            if folders[i].parentID == "0" { folders[i].parentID = into }
            folders[i].ownerID = to
        }
        collaborations.removeAll { moved.contains($0.folderID) && $0.userID == to }
    }

    /// A deleted user's folders (deleted with force) go, and so do their collaborations and
    /// every collaboration of theirs on other folders. Assignments stay: held content stays
    /// held after its custodian leaves (docs.box.com, "When a Custodian Leaves the Company").
    mutating func removeUser(_ id: String) {
        var gone = Set(folders.filter { $0.ownerID == id }.map(\.id))
        // Folders inside a deleted folder go with it, whoever owns them.
        var grew = true
        while grew {
            let inside = folders.filter { gone.contains($0.parentID) && !gone.contains($0.id) }.map(\.id)
            grew = !inside.isEmpty
            gone.formUnion(inside)
        }
        folders.removeAll { gone.contains($0.id) }
        collaborations.removeAll { gone.contains($0.folderID) || $0.userID == id }
    }
}
