import Testing
import Foundation
@testable import Signing

@Suite struct Signing {
    @Test func base64urlRoundTrip() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) & 0xFF) }
            let s = Base64URL.encode(bytes)
            #expect(!s.contains("=") && !s.contains("+") && !s.contains("/"))
            #expect(Base64URL.decode(s) == bytes)
        }
        #expect(Base64URL.encode(Array("hello?>".utf8)) == "aGVsbG8_Pg")
        #expect(Base64URL.decode("a b") == nil)
    }

    @Test func encryptedKeyRoundTripAndSignatures() throws {
        let key = try RSAPrivateKey.generate(bits: 2048)
        let pem = try key.encryptedPEM(passphrase: "s3cret")
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let again = try RSAPrivateKey(pem: pem, passphrase: "s3cret")
        let pub = try key.publicKey()
        let msg = Array("header.claims".utf8)
        for alg in JWTAlgorithm.allCases {
            let sig = try again.sign(msg, algorithm: alg)
            #expect(pub.verify(signature: sig, message: msg, algorithm: alg))
            #expect(!pub.verify(signature: sig, message: msg + [0], algorithm: alg))
        }
        let rs256 = try again.sign(msg, algorithm: .rs256)
        #expect(!pub.verify(signature: rs256, message: msg, algorithm: .rs512))
        #expect(throws: SigningError.self) { try RSAPrivateKey(pem: pem, passphrase: "wrong") }
        #expect(throws: SigningError.self) { try RSAPrivateKey(pem: "not a key", passphrase: nil) }
    }

    @Test func randomTokens() {
        let a = SecureRandom.token(32), b = SecureRandom.token(32)
        #expect(a.count == 32 && a != b)
        #expect(SecureRandom.hex(8).count == 16)
    }
}
