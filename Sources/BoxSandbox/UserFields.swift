/// Applies the writable fields of a POST/PUT /users body (or a seed entry) to a user,
/// rejecting wrong types and values the way Box does (400 with the parameter named).
import JSON

enum UserFields {
    static let statuses = ["active", "inactive", "cannot_delete_edit", "cannot_delete_edit_upload"]

    /// `creating`: seed entries and POST bodies (may set `is_platform_access_only`, and a
    /// seed may set any role).
    static func apply(_ body: JSONObject, to u: inout SandboxUser, creating: Bool, seed: Bool = false) throws {
        for (key, value) in body {
            switch key {
            case "name": u.name = try text(key, value, max: 50)
            case "login": u.login = try text(key, value, max: 255)
            case "language": u.language = try text(key, value, max: 20)
            case "timezone": u.timezone = try text(key, value, max: 100)
            case "job_title": u.jobTitle = try text(key, value, max: 100)
            case "phone": u.phone = try text(key, value, max: 100)
            case "address": u.address = try text(key, value, max: 255)
            case "role": u.role = try oneOf(key, value, seed ? ["admin", "coadmin", "user"] : ["coadmin", "user"])
            case "status": u.status = try oneOf(key, value, statuses)
            case "space_amount": u.spaceAmount = try integer(key, value)
            case "space_used" where seed: u.spaceUsed = try integer(key, value)
            case "max_upload_size" where seed: u.maxUploadSize = try integer(key, value)
            case "is_sync_enabled": u.isSyncEnabled = try flag(key, value)
            case "can_see_managed_users": u.canSeeManagedUsers = try flag(key, value)
            case "is_external_collab_restricted": u.isExternalCollabRestricted = try flag(key, value)
            case "is_exempt_from_device_limits": u.isExemptFromDeviceLimits = try flag(key, value)
            case "is_exempt_from_login_verification": u.isExemptFromLoginVerification = try flag(key, value)
            case "is_password_reset_required": u.isPasswordResetRequired = try flag(key, value)
            case "is_platform_access_only" where creating: u.isPlatformAccessOnly = try flag(key, value)
            case "external_app_user_id":
                u.externalAppUserID = value.isNull ? nil : try text(key, value, max: 255)
            case "tracking_codes": u.trackingCodes = try trackingCodes(value)
            case "my_tags" where seed:
                u.myTags = try (value.arrayValue ?? []).map { try text(key, $0, max: 100) }
            case "notification_email": try notificationEmail(value, &u)
            default: continue  // Box ignores fields it does not know or cannot set here.
            }
        }
    }

    private static func text(_ key: String, _ v: JSON, max: Int) throws -> String {
        guard let s = v.stringValue else {
            throw BoxErrorReply.invalidParameter(key, "Invalid value '\(v.serialized())'. '\(key)' must be a string")
        }
        guard s.count <= max else {
            throw BoxErrorReply.invalidParameter(key, "'\(key)' must be at most \(max) characters")
        }
        return s
    }

    private static func oneOf(_ key: String, _ v: JSON, _ allowed: [String]) throws -> String {
        guard let s = v.stringValue, allowed.contains(s) else {
            throw BoxErrorReply.invalidParameter(
                key, "Invalid value '\(v.stringValue ?? v.serialized())'. Allowed: \(allowed.joined(separator: ", "))")
        }
        return s
    }

    private static func integer(_ key: String, _ v: JSON) throws -> Int64 {
        guard case .int(let i) = v else { throw BoxErrorReply.invalidParameter(key, "'\(key)' must be an integer") }
        return i
    }

    private static func flag(_ key: String, _ v: JSON) throws -> Bool {
        guard let b = v.boolValue else { throw BoxErrorReply.invalidParameter(key, "'\(key)' must be a boolean") }
        return b
    }

    private static func trackingCodes(_ v: JSON) throws -> [JSON] {
        guard let a = v.arrayValue else {
            throw BoxErrorReply.invalidParameter("tracking_codes", "'tracking_codes' must be an array")
        }
        return try a.map { c in
            guard let name = c["name"]?.stringValue, let value = c["value"]?.stringValue else {
                throw BoxErrorReply.invalidParameter(
                    "tracking_codes", "each tracking code needs a 'name' and a 'value'")
            }
            return ["type": "tracking_code", "name": .string(name), "value": .string(value)]
        }
    }

    private static func notificationEmail(_ v: JSON, _ u: inout SandboxUser) throws {
        if v.isNull || v.arrayValue?.isEmpty == true {
            u.notificationEmail = nil
            return
        }
        guard let email = v["email"]?.stringValue, isEmail(email) else {
            throw BoxErrorReply(
                status: 400, code: "invalid_parameter", message: "Invalid notification email",
                contextInfo: [
                    "errors": [
                        [
                            "reason": "invalid_parameter", "name": "notification_email",
                            "message": "Invalid email address",
                        ]
                    ]
                ])
        }
        u.notificationEmail = email
        u.notificationEmailConfirmed = v["is_confirmed"]?.boolValue ?? false
    }

    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}
