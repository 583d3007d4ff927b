/// Access tokens, refresh tokens, authorization codes and JWT ids the sandbox has issued.
import Signing

struct TokenGrant {
    var userID: String
    var clientID: String?
    var issuedAt: Int64
    /// nil: never expires (the developer token unless `expire_tokens_after` is set).
    var lifetime: Int64?
    var isDeveloperToken = false

    func expired(now: Int64, faults: Faults) -> Bool {
        if let forced = faults.expireTokensAfter { return now >= issuedAt + Int64(forced) }
        guard let lifetime else { return false }
        return now >= issuedAt + lifetime
    }
}

struct AuthCode {
    var userID: String
    var clientID: String
    var redirectURI: String?
    var expiresAt: Int64
}

final class TokenStore {
    private(set) var access: [String: TokenGrant] = [:]
    /// Refresh token -> (user, client, expiry). Each is single-use.
    var refresh: [String: (userID: String, clientID: String, expiresAt: Int64)] = [:]
    var codes: [String: AuthCode] = [:]
    var usedJTIs: Set<String> = []
    var jwtKeys: [String: RSAPublicKey] = [:]

    static let accessLifetime: Int64 = 3600
    static let refreshLifetime: Int64 = 60 * 86400

    func issue(
        userID: String, clientID: String?, now: Int64, lifetime: Int64? = accessLifetime, developer: Bool = false
    ) -> String {
        if access.count > 50_000 { access = access.filter { !$0.value.expired(now: now, faults: Faults()) } }
        let token = SecureRandom.token(32)
        access[token] = TokenGrant(
            userID: userID, clientID: clientID, issuedAt: now, lifetime: lifetime, isDeveloperToken: developer)
        return token
    }

    func issueRefresh(userID: String, clientID: String, now: Int64) -> String {
        let token = SecureRandom.token(64)
        refresh[token] = (userID, clientID, now + Self.refreshLifetime)
        return token
    }

    func grant(_ token: String) -> TokenGrant? { access[token] }

    func revoke(_ token: String) -> Bool {
        access.removeValue(forKey: token) != nil || refresh.removeValue(forKey: token) != nil
    }

    /// Forgets every token of a user (their sessions ended or the user is gone).
    func revokeAll(userID: String) {
        access = access.filter { $0.value.userID != userID || $0.value.isDeveloperToken }
        refresh = refresh.filter { $0.value.userID != userID }
    }
}
