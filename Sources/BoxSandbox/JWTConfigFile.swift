/// The console-style JWT config the sandbox trusts: made once (fresh RSA key, encrypted
/// PKCS#8, random passphrase) with mode 0600 and an atomic write, then reused.
import Foundation
import JSON
import Signing

struct JWTConfigFile {
    var clientID: String
    var clientSecret: String
    var publicKeyID: String
    var publicKey: RSAPublicKey

    static func loadOrCreate(path: String, clientID: String, clientSecret: String, enterpriseID: String) throws -> JWTConfigFile {
        if FileManager.default.fileExists(atPath: path) {
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
        return JWTConfigFile(clientID: clientID, clientSecret: clientSecret, publicKeyID: keyID, publicKey: try key.publicKey())
    }

    static func load(_ path: String) throws -> JWTConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let j = try? JSON.parse(Array(data)),
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
        guard let data = FileManager.default.contents(atPath: path), case .object(var o)? = try? JSON.parse(Array(data)),
            o["enterpriseID"]?.stringValue != enterpriseID
        else { return }
        o["enterpriseID"] = .string(enterpriseID)
        try writePrivately(JSON.object(o).serialized(pretty: true) + "\n", to: path)
    }

    /// Writes `text` to a temporary file (mode 0600) beside `path`, then renames it into place.
    static func writePrivately(_ text: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let tmp = path + ".tmp-\(getpid())-\(SecureRandom.token(6))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SandboxSeedError(message: "\(path): cannot write (\(String(cString: strerror(errno))))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == bytes.count, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw SandboxSeedError(message: "\(path): cannot write the JWT config")
        }
    }
}
