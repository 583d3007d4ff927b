/// The console-style JWT config the sandbox trusts: made once (fresh RSA key, encrypted
/// PKCS#8, random passphrase) with mode 0600 and an atomic write, then reused.
#if canImport(Glibc)
    import Glibc
#endif
import Files
import FoundationEssentials
import JSON
import Signing

struct JWTConfigFile {
    var clientID: String
    var clientSecret: String
    var publicKeyID: String
    var publicKey: RSAPublicKey

    static func loadOrCreate(path: String, clientID: String, clientSecret: String, enterpriseID: String) throws
        -> JWTConfigFile
    {
        if access(path, F_OK) == 0 {
            try retarget(path, enterpriseID: enterpriseID)
            return try load(path)
        }
        let key = try RSAPrivateKey.generate(bits: 2048)
        let passphrase = SecureRandom.token(32)
        let keyID = SecureRandom.token(8).lowercased()
        let config: JSON = [
            "boxAppSettings": [
                "clientID": .string(clientID), "clientSecret": .string(clientSecret),
                "appAuth": [
                    "publicKeyID": .string(keyID), "privateKey": .string(try key.encryptedPEM(passphrase: passphrase)),
                    "passphrase": .string(passphrase),
                ],
            ],
            "enterpriseID": .string(enterpriseID),
        ]
        try writePrivately(config.serialized(pretty: true) + "\n", to: path)
        return JWTConfigFile(
            clientID: clientID, clientSecret: clientSecret, publicKeyID: keyID, publicKey: try key.publicKey())
    }

    static func load(_ path: String) throws -> JWTConfigFile {
        guard let data = try? Files.readAll(path), let j = try? JSON.parse(data),
            let app = j["boxAppSettings"], let auth = app["appAuth"], let id = app["clientID"]?.stringValue,
            let secret = app["clientSecret"]?.stringValue, let keyID = auth["publicKeyID"]?.stringValue,
            let pem = auth["privateKey"]?.stringValue
        else { throw SandboxSeedError(message: "\(path): not a Box JWT config (boxAppSettings.appAuth...)") }
        do {
            let key = try RSAPrivateKey(pem: pem, passphrase: auth["passphrase"]?.stringValue)
            return JWTConfigFile(clientID: id, clientSecret: secret, publicKeyID: keyID, publicKey: try key.publicKey())
        } catch {
            throw SandboxSeedError(message: "\(path): cannot read its private key: \(error)")
        }
    }

    /// A config made for another seed names another enterprise: point it at this one, keeping
    /// its key, so the SDKs' enterprise sign-in keeps working.
    static func retarget(_ path: String, enterpriseID: String) throws {
        guard let data = try? Files.readAll(path), case .object(var o)? = try? JSON.parse(data),
            o["enterpriseID"]?.stringValue != enterpriseID
        else { return }
        o["enterpriseID"] = .string(enterpriseID)
        try writePrivately(JSON.object(o).serialized(pretty: true) + "\n", to: path)
    }

    /// Writes `text` to a temporary file (mode 0600) beside `path`, then renames it into place.
    static func writePrivately(_ text: String, to path: String) throws {
        do {
            try Files.makeParentFolders(of: path)
            try Files.replacePrivately(path, with: Array(text.utf8))
        } catch {
            throw SandboxSeedError(message: "\(path): cannot write the JWT config (\(error.reason))")
        }
    }
}
