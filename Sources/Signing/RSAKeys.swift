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
        let code = cc_ERR_get_error()
        cc_ERR_clear_error()
        guard code != 0 else { return SigningError(context) }
        var buf = [CChar](repeating: 0, count: 256)
        cc_ERR_error_string_n(code, &buf, buf.count)
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
        case .rs256: return cc_EVP_sha256()
        case .rs384: return cc_EVP_sha384()
        case .rs512: return cc_EVP_sha512()
        }
    }
}

/// Loads libcrypto on first use (see CCrypto.h); every entry point below calls it first.
func requireCrypto() throws {
    if let error = ccrypto_load() {
        throw SigningError("cannot load libcrypto.so.3 (Debian package libssl3): \(String(cString: error))")
    }
}

/// Reads a PEM through a memory BIO; `BIO_new_mem_buf` does not copy, so the bytes
/// stay pinned for the whole read.
private func withPEMBIO<T>(_ pem: String, _ body: (OpaquePointer) throws -> T) throws -> T {
    try requireCrypto()
    let bytes = Array(pem.utf8)
    return try bytes.withUnsafeBytes { raw in
        guard let bio = cc_BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
            throw SigningError.openssl("cannot read PEM")
        }
        defer { cc_BIO_free(bio) }
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
    deinit { cc_EVP_PKEY_free(pkey) }

    /// Reads a PEM private key, encrypted (with `passphrase`) or not.
    public convenience init(pem: String, passphrase: String?) throws {
        let key: OpaquePointer = try withPEMBIO(pem) { bio in
            // An empty passphrase still has to be a C string: with a nil user pointer
            // OpenSSL would prompt on the terminal.
            let pass = passphrase ?? ""
            let k = pass.withCString {
                cc_PEM_read_bio_PrivateKey(bio, nil, nil, UnsafeMutableRawPointer(mutating: $0))
            }
            guard let k else { throw SigningError.openssl("cannot read the private key (wrong passphrase?)") }
            return k
        }
        guard cc_EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            cc_EVP_PKEY_free(key)
            throw SigningError("the private key is not an RSA key")
        }
        self.init(pkey: key)
    }

    /// A fresh RSA key pair.
    public static func generate(bits: Int = 2048) throws -> RSAPrivateKey {
        try requireCrypto()
        guard let ctx = cc_EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else { throw SigningError.openssl("keygen") }
        defer { cc_EVP_PKEY_CTX_free(ctx) }
        guard cc_EVP_PKEY_keygen_init(ctx) == 1,
            cc_EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1
        else { throw SigningError.openssl("keygen init") }
        var key: OpaquePointer? = nil
        guard cc_EVP_PKEY_keygen(ctx, &key) == 1, let key else { throw SigningError.openssl("keygen") }
        return RSAPrivateKey(pkey: key)
    }

    /// The key as an encrypted PKCS#8 PEM (PBES2, AES-256-CBC),
    /// the form Box's developer console downloads.
    public func encryptedPEM(passphrase: String) throws -> String {
        guard let bio = cc_BIO_new(cc_BIO_s_mem()) else { throw SigningError.openssl("BIO") }
        defer { cc_BIO_free(bio) }
        let ok = passphrase.withCString { p in
            cc_PEM_write_bio_PKCS8PrivateKey(bio, pkey, cc_EVP_aes_256_cbc(), p, Int32(passphrase.utf8.count), nil, nil)
        }
        guard ok == 1 else { throw SigningError.openssl("cannot encrypt the private key") }
        return drainBIO(bio)
    }

    public func publicKey() throws -> RSAPublicKey {
        try RSAPublicKey(pem: publicKeyPEM())
    }

    public func publicKeyPEM() throws -> String {
        guard let bio = cc_BIO_new(cc_BIO_s_mem()) else { throw SigningError.openssl("BIO") }
        defer { cc_BIO_free(bio) }
        guard cc_PEM_write_bio_PUBKEY(bio, pkey) == 1 else { throw SigningError.openssl("public key") }
        return drainBIO(bio)
    }

    public func sign(_ message: [UInt8], algorithm: JWTAlgorithm) throws -> [UInt8] {
        guard let ctx = cc_EVP_MD_CTX_new() else { throw SigningError.openssl("sign") }
        defer { cc_EVP_MD_CTX_free(ctx) }
        guard cc_EVP_DigestSignInit(ctx, nil, algorithm.digest, nil, pkey) == 1 else {
            throw SigningError.openssl("sign init")
        }
        var len = 0
        guard cc_EVP_DigestSign(ctx, nil, &len, message, message.count) == 1 else { throw SigningError.openssl("sign") }
        var sig = [UInt8](repeating: 0, count: len)
        guard cc_EVP_DigestSign(ctx, &sig, &len, message, message.count) == 1 else {
            throw SigningError.openssl("sign")
        }
        return Array(sig.prefix(len))
    }
}

public final class RSAPublicKey: @unchecked Sendable {
    let pkey: OpaquePointer

    deinit { cc_EVP_PKEY_free(pkey) }

    public init(pem: String) throws {
        pkey = try withPEMBIO(pem) { bio in
            guard let k = cc_PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                throw SigningError.openssl("cannot read the public key")
            }
            return k
        }
    }

    public func verify(signature: [UInt8], message: [UInt8], algorithm: JWTAlgorithm) -> Bool {
        guard let ctx = cc_EVP_MD_CTX_new() else { return false }
        defer { cc_EVP_MD_CTX_free(ctx) }
        guard cc_EVP_DigestVerifyInit(ctx, nil, algorithm.digest, nil, pkey) == 1 else {
            cc_ERR_clear_error()
            return false
        }
        let ok = cc_EVP_DigestVerify(ctx, signature, signature.count, message, message.count) == 1
        cc_ERR_clear_error()
        return ok
    }
}
