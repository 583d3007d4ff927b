/// JWT sign-in: the developer console's config file and the signed assertion Box exchanges for a token.
import JSON
import Signing

/// The JSON file Box's developer console downloads for a JWT app.
public struct JWTAppConfig: Sendable {
    public let clientID: String
    public let clientSecret: String
    public let publicKeyID: String
    public let privateKeyPEM: String
    public let passphrase: String
    public let enterpriseID: String
    /// An optional top-level `userID`: then the subject is that user.
    public let userID: String?
    public let path: String

    /// Reads and checks the file; errors name the file and the missing key, never a value.
    public static func load(path: String) throws(ConfigError) -> JWTAppConfig {
        guard let text = try readFileIfPresent(path) else {
            throw ConfigError("BOX_JWT_CONFIG: \(path) does not exist")
        }
        guard let json = try? JSON.parse(text) else { throw ConfigError("\(path): not valid JSON") }
        return try parse(json, path: path)
    }

    public static func parse(_ json: JSON, path: String) throws(ConfigError) -> JWTAppConfig {
        func need(_ v: JSON?, _ name: String) throws(ConfigError) -> String {
            if let s = v?.stringValue, !s.isEmpty { return s }
            if let i = v?.intValue { return String(i) }
            throw ConfigError("\(path): missing \(name) (is this the JWT config file from Box's developer console?)")
        }
        let app = json["boxAppSettings"]
        let auth = app?["appAuth"]
        return JWTAppConfig(
            clientID: try need(app?["clientID"], "boxAppSettings.clientID"),
            clientSecret: try need(app?["clientSecret"], "boxAppSettings.clientSecret"),
            publicKeyID: try need(auth?["publicKeyID"], "boxAppSettings.appAuth.publicKeyID"),
            privateKeyPEM: try need(auth?["privateKey"], "boxAppSettings.appAuth.privateKey"),
            passphrase: auth?["passphrase"]?.stringValue ?? "",
            enterpriseID: try need(json["enterpriseID"], "enterpriseID"),
            userID: json["userID"]?.stringValue ?? json["userID"]?.intValue.map { String($0) },
            path: path)
    }
}

extension JWTAppConfig {
    /// Decrypts the private key now, so a wrong passphrase or a damaged key is a
    /// configuration error when the sign-in is chosen (exit 2), not a failed call later.
    public func checkPrivateKey() throws(ConfigError) {
        _ = try privateKey()
    }

    func privateKey() throws(ConfigError) -> RSAPrivateKey {
        do {
            return try RSAPrivateKey(pem: privateKeyPEM, passphrase: passphrase)
        } catch {
            throw ConfigError("\(path): cannot decrypt the private key with its passphrase (\(error))")
        }
    }
}

/// Builds the signed assertion of Box's JWT grant.
public enum JWTAssertion {
    /// Box checks `aud` against this exact URL whatever host the token call goes to.
    public static let audience = "https://api.box.com/oauth2/token"

    /// The claims: `iss` client ID, `sub` + `box_sub_type`, fixed `aud`, a fresh random
    /// 32-character `jti`, and `exp` 45 s ahead (Box refuses more than 60).
    public static func claims(config: JWTAppConfig, subject: TokenSubject, now: Double) -> JSON {
        .object(
            JSONObject([
                ("iss", .string(config.clientID)),
                ("sub", .string(subject.id)),
                ("box_sub_type", .string(subject.type)),
                ("aud", .string(audience)),
                ("jti", .string(SecureRandom.token(32))),
                ("exp", .int(Int64(now) + 45)),
                ("iat", .int(Int64(now))),
            ]))
    }

    /// `header.claims.signature`, RS256 with the config's `kid`.
    public static func make(config: JWTAppConfig, subject: TokenSubject, now: Double) throws(ConfigError) -> String {
        let key = try config.privateKey()
        let header: JSON = .object(
            JSONObject([("alg", "RS256"), ("typ", "JWT"), ("kid", .string(config.publicKeyID))]))
        let input =
            Base64URL.encode(header.serialized()) + "."
            + Base64URL.encode(claims(config: config, subject: subject, now: now).serialized())
        do {
            let signature = try key.sign(Array(input.utf8), algorithm: .rs256)
            return input + "." + Base64URL.encode(signature)
        } catch {
            throw ConfigError("\(config.path): cannot sign the JWT assertion (\(error))")
        }
    }
}
