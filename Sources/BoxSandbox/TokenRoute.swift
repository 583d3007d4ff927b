/// POST /oauth2/token (client credentials, authorization code, refresh with single-use
/// rotation, JWT bearer) and POST /oauth2/revoke, with OAuth's error shape.
import JSON

enum TokenRoute {
    static let jwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    static func token(_ c: inout RequestContext) throws -> Reply {
        let f = c.form
        switch f["grant_type"] {
        case "client_credentials": return try clientCredentials(f, &c)
        case "authorization_code": return try authorizationCode(f, &c)
        case "refresh_token": return try refresh(f, &c)
        case jwtGrant:
            try checkClient(f, c)
            let userID = try JWTVerifier.verify(f["assertion"] ?? "", clientID: f["client_id"] ?? "", c)
            return issue(userID: userID, clientID: f["client_id"], refresh: false, &c)
        default:
            throw OAuthError.invalidRequest("Invalid grant_type parameter or parameter missing")
        }
    }

    /// The client id and secret must be an app the sandbox knows.
    static func checkClient(_ f: [String: String], _ c: RequestContext) throws {
        guard let id = f["client_id"], let secret = f["client_secret"], c.state.clients[id] == secret else {
            throw OAuthError.invalidClient()
        }
    }

    private static func clientCredentials(_ f: [String: String], _ c: inout RequestContext) throws -> Reply {
        guard let id = f["client_id"], let secret = f["client_secret"], c.state.clients[id] == secret else {
            throw OAuthError.invalidGrant("Grant credentials are invalid")
        }
        let subject = f["box_subject_id"] ?? ""
        switch f["box_subject_type"] {
        case "enterprise" where subject == c.state.enterpriseID:
            return issue(userID: c.state.serviceAccountUserID, clientID: id, refresh: false, &c)
        case "user":
            guard let u = c.state.user(subject), !u.isExternal else {
                throw OAuthError.invalidGrant("Grant credentials are invalid")
            }
            return issue(userID: u.id, clientID: id, refresh: false, &c)
        default:
            throw OAuthError.invalidGrant("Grant credentials are invalid")
        }
    }

    private static func authorizationCode(_ f: [String: String], _ c: inout RequestContext) throws -> Reply {
        try checkClient(f, c)
        guard let code = f["code"], let grant = c.tokens.codes.removeValue(forKey: code) else {
            throw OAuthError.invalidGrant("Auth code doesn't exist or is invalid for the client")
        }
        guard grant.expiresAt > c.now, grant.clientID == f["client_id"] else {
            throw OAuthError.invalidGrant("The authorization code has expired")
        }
        if let uri = f["redirect_uri"], let expected = grant.redirectURI, uri != expected {
            throw OAuthError.invalidGrant("The redirect_uri does not match the one used to authorize")
        }
        return issue(userID: grant.userID, clientID: grant.clientID, refresh: true, &c)
    }

    private static func refresh(_ f: [String: String], _ c: inout RequestContext) throws -> Reply {
        try checkClient(f, c)
        guard let token = f["refresh_token"], let r = c.tokens.refresh.removeValue(forKey: token),
            r.clientID == f["client_id"]
        else { throw OAuthError.invalidGrant("Invalid refresh token") }
        guard r.expiresAt > c.now else { throw OAuthError.invalidGrant("Refresh token has expired") }
        guard c.state.user(r.userID) != nil else { throw OAuthError.invalidGrant("Invalid refresh token") }
        return issue(userID: r.userID, clientID: r.clientID, refresh: true, &c)
    }

    /// A new access token (and refresh token for OAuth grants), as Box's AccessToken.
    static func issue(userID: String, clientID: String?, refresh: Bool, _ c: inout RequestContext) -> Reply {
        let access = c.tokens.issue(userID: userID, clientID: clientID, now: c.now)
        let lifetime = Int64(c.faults.expireTokensAfter ?? Int(TokenStore.accessLifetime))
        var o = JSONObject()
        o["access_token"] = .string(access)
        o["expires_in"] = .int(lifetime)
        o["restricted_to"] = []
        if refresh, let clientID {
            o["refresh_token"] = .string(c.tokens.issueRefresh(userID: userID, clientID: clientID, now: c.now))
        }
        o["token_type"] = "bearer"
        return .json(200, .object(o))
    }

    /// Revokes an access or refresh token: 200 with an empty body, known token or not.
    static func revoke(_ c: inout RequestContext) throws -> Reply {
        let f = c.form
        try checkClient(f, c)
        guard let token = f["token"], !token.isEmpty else {
            throw OAuthError.invalidRequest("The token parameter is missing")
        }
        _ = c.tokens.revoke(token)
        return .empty(200)
    }
}
