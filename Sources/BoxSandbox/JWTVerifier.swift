/// Checks a JWT bearer assertion as Box does: RS256/384/512 signature against the `kid`
/// key, `aud`, `exp` (not past, at most 60 s ahead), a fresh `jti`, and the subject.
import JSON
import Signing

enum JWTVerifier {
    static let audience = "https://api.box.com/oauth2/token"

    /// The id of the user the assertion may act as.
    static func verify(_ assertion: String, clientID: String, _ c: RequestContext) throws -> String {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let hb = Base64URL.decode(parts[0]), let header = try? JSON.parse(hb),
            let cb = Base64URL.decode(parts[1]), let claims = try? JSON.parse(cb), let sig = Base64URL.decode(parts[2])
        else { throw OAuthError.invalidGrant("The assertion is not a well-formed JWT") }
        guard let alg = header["alg"]?.stringValue.flatMap(JWTAlgorithm.init(rawValue:)) else {
            throw OAuthError.invalidGrant(
                "Please check the 'alg' header. Supported algorithms are RS256, RS384 and RS512.")
        }
        try checkSignature(header, alg, Array((parts[0] + "." + parts[1]).utf8), sig, c)
        guard claims["iss"]?.stringValue == clientID else { throw OAuthError.invalidClient() }
        guard claims["aud"]?.stringValue == audience else {
            throw OAuthError.invalidGrant("Please check the 'aud' claim. It must be \(audience).")
        }
        try checkExpiry(claims["exp"], now: c.now)
        guard let jti = claims["jti"]?.stringValue, (16...128).contains(jti.count), !c.tokens.usedJTIs.contains(jti)
        else {
            throw OAuthError.invalidGrant("Please check the 'jti' claim. A unique 'jti' value is required.")
        }
        c.tokens.usedJTIs.insert(jti)
        return try subject(claims, c)
    }

    private static func checkSignature(
        _ header: JSON, _ alg: JWTAlgorithm, _ signed: [UInt8], _ sig: [UInt8], _ c: RequestContext
    ) throws {
        let keys = c.tokens.jwtKeys
        let key: RSAPublicKey?
        if let kid = header["kid"]?.stringValue {
            key = keys[kid]
        } else {
            key = keys.count == 1 ? keys.first?.value : nil
        }
        guard let key else {
            throw OAuthError.invalidGrant(
                "Please check the 'kid' header. No public key with this id is registered for the app.")
        }
        guard key.verify(signature: sig, message: signed, algorithm: alg) else {
            throw OAuthError.invalidGrant(
                "Signature verification error. The public key identified by \"kid\" must correspond to the private key used for signing."
            )
        }
    }

    private static func checkExpiry(_ exp: JSON?, now: Int64) throws {
        guard let exp = exp?.intValue else {
            throw OAuthError.invalidGrant(
                "Please check the 'exp' claim. It must be a number of seconds since the epoch.")
        }
        guard exp > now else {
            throw OAuthError.invalidGrant(
                "Current date time must be before the expiration date time listed in the 'exp' claim.")
        }
        guard exp <= now + 60 else {
            throw OAuthError.invalidGrant(
                "Please check the 'exp' claim. It must be no more than 60 seconds in the future.")
        }
    }

    private static func subject(_ claims: JSON, _ c: RequestContext) throws -> String {
        let sub = claims["sub"]?.stringValue ?? ""
        switch claims["box_sub_type"]?.stringValue {
        case "enterprise" where sub == c.state.enterpriseID:
            return c.state.serviceAccountUserID
        case "user":
            if let u = c.state.user(sub), !u.isExternal { return u.id }
        default: break
        }
        throw OAuthError.invalidGrant("Please check the 'sub' claim. The 'sub' specified is invalid.")
    }
}
