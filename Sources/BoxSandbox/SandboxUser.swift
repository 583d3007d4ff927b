/// One Box user as the sandbox keeps it, and its JSON in Box's variants (standard, full,
/// `fields=` projection, mini).
import JSON

public struct SandboxUser: Sendable, Equatable {
    public var id: String
    public var name: String
    public var login: String
    public var createdAt: Int64
    public var modifiedAt: Int64
    public var language = "en"
    public var timezone = "America/Los_Angeles"
    public var spaceAmount: Int64 = 10_737_418_240
    public var spaceUsed: Int64 = 0
    public var maxUploadSize: Int64 = 5_368_709_120
    public var status = "active"
    public var jobTitle = ""
    public var phone = ""
    public var address = ""
    /// nil: unset, written as `null` (see README "Fidelity": not `[]`, which typed SDKs reject).
    public var notificationEmail: String? = nil
    public var notificationEmailConfirmed = false
    public var role = "user"
    public var trackingCodes: [JSON] = []
    public var canSeeManagedUsers = true
    public var isSyncEnabled = true
    public var isExternalCollabRestricted = false
    public var isExemptFromDeviceLimits = false
    public var isExemptFromLoginVerification = false
    public var isPasswordResetRequired = false
    /// nil for external users (no enterprise).
    public var enterpriseID: String?
    public var myTags: [String] = []
    public var isPlatformAccessOnly = false
    public var externalAppUserID: String? = nil
    /// How many items the user owns in their root folder (0: deletable without force).
    public var ownedItems = 0

    public init(id: String, name: String, login: String, createdAt: Int64, enterpriseID: String?) {
        self.id = id
        self.name = name
        self.login = login
        self.createdAt = createdAt
        self.modifiedAt = createdAt
        self.enterpriseID = enterpriseID
    }

    public var isExternal: Bool { enterpriseID == nil }

    static let standardFields = [
        "type", "id", "name", "login", "created_at", "modified_at", "language", "timezone", "space_amount",
        "space_used", "max_upload_size", "status", "job_title", "phone", "address", "avatar_url",
        "notification_email",
    ]
    static let fullOnlyFields = [
        "role", "tracking_codes", "can_see_managed_users", "is_sync_enabled", "is_external_collab_restricted",
        "is_exempt_from_device_limits", "is_exempt_from_login_verification", "enterprise", "my_tags", "hostname",
        "is_platform_access_only", "external_app_user_id",
    ]

    /// The value of one Box field, nil for names users do not have.
    func value(_ field: String, enterpriseName: String) -> JSON? {
        switch field {
        case "type": return "user"
        case "id": return .string(id)
        case "name": return .string(name)
        case "login": return .string(login)
        case "created_at": return .string(BoxTime.format(createdAt))
        case "modified_at": return .string(BoxTime.format(modifiedAt))
        case "language": return .string(language)
        case "timezone": return .string(timezone)
        case "space_amount": return .int(spaceAmount)
        case "space_used": return .int(spaceUsed)
        case "max_upload_size": return .int(maxUploadSize)
        case "status": return .string(status)
        case "job_title": return .string(jobTitle)
        case "phone": return .string(phone)
        case "address": return .string(address)
        case "avatar_url": return .string("https://app.box.com/api/avatar/large/\(id)")
        case "notification_email":
            guard let notificationEmail else { return .null }
            return ["email": .string(notificationEmail), "is_confirmed": .bool(notificationEmailConfirmed)]
        default: return fullValue(field, enterpriseName: enterpriseName)
        }
    }

    private func fullValue(_ field: String, enterpriseName: String) -> JSON? {
        switch field {
        case "role": return .string(role)
        case "tracking_codes": return .array(trackingCodes)
        case "can_see_managed_users": return .bool(canSeeManagedUsers)
        case "is_sync_enabled": return .bool(isSyncEnabled)
        case "is_external_collab_restricted": return .bool(isExternalCollabRestricted)
        case "is_exempt_from_device_limits": return .bool(isExemptFromDeviceLimits)
        case "is_exempt_from_login_verification": return .bool(isExemptFromLoginVerification)
        case "is_password_reset_required": return .bool(isPasswordResetRequired)
        case "enterprise":
            guard let enterpriseID else { return .null }
            return ["id": .string(enterpriseID), "type": "enterprise", "name": .string(enterpriseName)]
        case "my_tags": return .array(myTags.map { .string($0) })
        case "hostname": return "https://app.box.com/"
        case "is_platform_access_only": return .bool(isPlatformAccessOnly)
        case "external_app_user_id": return externalAppUserID.map { .string($0) } ?? .null
        default: return nil
        }
    }

    /// The response body for `fields` (nil or empty: the standard fields; else type, id and
    /// the requested fields that exist, in the order asked), written straight to bytes.
    func write(fields: [String]?, enterpriseName: String, to out: inout [UInt8]) {
        guard let fields else { return writeStandard(to: &out) }
        let names = ["type", "id"] + fields
        out.append(UInt8(ascii: "{"))
        var first = true
        var seen = Set<String>()
        for f in names where seen.insert(f).inserted {
            guard let v = value(f, enterpriseName: enterpriseName) else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSON.writeString(f, to: &out)
            out.append(UInt8(ascii: ":"))
            switch v {
            case .string(let s): JSON.writeString(s, to: &out)
            case .int(let i): out.append(contentsOf: String(i).utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .null: out.append(contentsOf: "null".utf8)
            default: out.append(contentsOf: v.serializedBytes())
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The standard representation, byte by byte (the hot path of 1000-user pages); the
    /// same keys and values as `value(_:)` gives for `standardFields`.
    private func writeStandard(to out: inout [UInt8]) {
        func key(_ k: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        }
        func int(_ v: Int64) {
            guard v >= 0 else { return out.append(contentsOf: String(v).utf8) }
            var n = 1, x = v
            while x >= 10 { x /= 10; n += 1 }
            BoxTime.digits(v, n, &out)
        }
        key(#"{"type":"user","id":"#); JSON.writeString(id, to: &out)
        key(#","name":"#); JSON.writeString(name, to: &out)
        key(#","login":"#); JSON.writeString(login, to: &out)
        key(#","created_at":"#); BoxTime.appendQuoted(createdAt, to: &out)
        key(#","modified_at":"#); BoxTime.appendQuoted(modifiedAt, to: &out)
        key(#","language":"#); JSON.writeString(language, to: &out)
        key(#","timezone":"#); JSON.writeString(timezone, to: &out)
        key(#","space_amount":"#); int(spaceAmount)
        key(#","space_used":"#); int(spaceUsed)
        key(#","max_upload_size":"#); int(maxUploadSize)
        key(#","status":"#); JSON.writeString(status, to: &out)
        key(#","job_title":"#); JSON.writeString(jobTitle, to: &out)
        key(#","phone":"#); JSON.writeString(phone, to: &out)
        key(#","address":"#); JSON.writeString(address, to: &out)
        key(#","avatar_url":"https://app.box.com/api/avatar/large/"#); out.append(contentsOf: id.utf8); out.append(0x22)
        if let notificationEmail {
            key(#","notification_email":{"email":"#); JSON.writeString(notificationEmail, to: &out)
            key(#","is_confirmed":"#); key(notificationEmailConfirmed ? "true}" : "false}")
        } else {
            key(#","notification_email":null"#)
        }
        out.append(0x7D)
    }

    /// Every field Box has for a user (the seed format).
    func fullJSON(enterpriseName: String) -> JSONObject {
        var o = JSONObject()
        for f in Self.standardFields + Self.fullOnlyFields + ["is_password_reset_required"] {
            if let v = value(f, enterpriseName: enterpriseName) { o[f] = v }
        }
        o["avatar_url"] = nil
        o["hostname"] = nil
        return o
    }

    var mini: JSON { ["type": "user", "id": .string(id), "name": .string(name), "login": .string(login)] }
}
