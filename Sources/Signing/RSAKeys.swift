/// RSA keys for JWT: read and write encrypted PKCS#8 PEM, sign and verify RS256/384/512.
///
/// Box's developer console ships the private key as an encrypted PKCS#8 PEM with its
/// passphrase; the system libcrypto reads it (PBES2 with any PRF, and the older
/// `Proc-Type: 4,ENCRYPTED` form) at no build-time cost.
import CCrypto

public struct SigningError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The reason OpenSSL gives for the last failure, after `context`.
    static func openssl(_ context: String) -> SigningError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return SigningError(context) }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        let reason = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return SigningError("\(context): \(reason)")
    }
}

public enum JWTAlgorithm: String, Sendable, CaseIterable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"

    var digest: OpaquePointer? {
        switch self {
        case .rs256: return EVP_sha256()
        case .rs384: return EVP_sha384()
        case .rs512: return EVP_sha512()
        }
    }
}

/// Reads a PEM through a memory BIO; `BIO_new_mem_buf` does not copy, so the bytes
/// stay pinned for the whole read.
private func withPEMBIO<T>(_ pem: String, _ body: (OpaquePointer) throws -> T) throws -> T {
    let bytes = Array(pem.utf8)
    return try bytes.withUnsafeBytes { raw in
        guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
            throw SigningError.openssl("cannot read PEM")
        }
        defer { BIO_free(bio) }
        return try body(bio)
    }
}

private func drainBIO(_ bio: OpaquePointer) -> String {
    var ptr: UnsafeMutablePointer<CChar>? = nil
    let n = ccrypto_bio_get_mem_data(bio, &ptr)
    guard let ptr, n > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: ptr, count: n), as: UTF8.self)
}

public final class RSAPrivateKey: @unchecked Sendable {
    let pkey: OpaquePointer

    init(pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    /// Reads a PEM private key, encrypted (with `passphrase`) or not.
    public convenience init(pem: String, passphrase: String?) throws {
        let key: OpaquePointer = try withPEMBIO(pem) { bio in
            // An empty passphrase still has to be a C string: with a nil user pointer
            // OpenSSL would prompt on the terminal.
            let pass = passphrase ?? ""
            let k = pass.withCString {
                PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0))
            }
            guard let k else { throw SigningError.openssl("cannot read the private key (wrong passphrase?)") }
            return k
        }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw SigningError("the private key is not an RSA key")
        }
        self.init(pkey: key)
    }

    /// A fresh RSA key pair.
    public static func generate(bits: Int = 2048) throws -> RSAPrivateKey {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { throw SigningError.openssl("keygen") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1,
            EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1
        else { throw SigningError.openssl("keygen init") }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(ctx, &key) == 1, let key else { throw SigningError.openssl("keygen") }
        return RSAPrivateKey(pkey: key)
    }

    /// The key as an encrypted PKCS#8 PEM (PBES2, AES-256-CBC),
    /// the form Box's developer console downloads.
    public func encryptedPEM(passphrase: String) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw SigningError.openssl("BIO") }
        defer { BIO_free(bio) }
        let ok = passphrase.withCString { p in
            PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(), p, Int32(passphrase.utf8.count), nil, nil)
        }
        guard ok == 1 else { throw SigningError.openssl("cannot encrypt the private key") }
        return drainBIO(bio)
    }

    public func publicKey() throws -> RSAPublicKey {
        try RSAPublicKey(pem: publicKeyPEM())
    }

    public func publicKeyPEM() throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw SigningError.openssl("BIO") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PUBKEY(bio, pkey) == 1 else { throw SigningError.openssl("public key") }
        return drainBIO(bio)
    }

    public func sign(_ message: [UInt8], algorithm: JWTAlgorithm) throws -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw SigningError.openssl("sign") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, algorithm.digest, nil, pkey) == 1 else {
            throw SigningError.openssl("sign init")
        }
        var len = 0
        guard EVP_DigestSign(ctx, nil, &len, message, message.count) == 1 else { throw SigningError.openssl("sign") }
        var sig = [UInt8](repeating: 0, count: len)
        guard EVP_DigestSign(ctx, &sig, &len, message, message.count) == 1 else { throw SigningError.openssl("sign") }
        return Array(sig.prefix(len))
    }
}

public final class RSAPublicKey: @unchecked Sendable {
    let pkey: OpaquePointer

    deinit { EVP_PKEY_free(pkey) }

    public init(pem: String) throws {
        pkey = try withPEMBIO(pem) { bio in
            guard let k = PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                throw SigningError.openssl("cannot read the public key")
            }
            return k
        }
    }

    public func verify(signature: [UInt8], message: [UInt8], algorithm: JWTAlgorithm) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, algorithm.digest, nil, pkey) == 1 else {
            ERR_clear_error()
            return false
        }
        let ok = EVP_DigestVerify(ctx, signature, signature.count, message, message.count) == 1
        ERR_clear_error()
        return ok
    }
}
