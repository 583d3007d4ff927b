/// Box's consent step, GET /oauth2/authorize: a small page whose approval (a form POST, a
/// link, or `approve=1` for curl) redirects to `redirect_uri` with `code` and `state`.
import HTTPServer
import JSON
import Signing

enum AuthorizeRoute {
    static func page(_ c: inout RequestContext) throws -> Reply {
        let p = c.request.query
        if let problem = check(p, c) { return .html(400, errorPage(problem)) }
        if let approve = p["approve"] { return decide(p, approve: approve, &c) }
        return .html(200, consentPage(p, c))
    }

    static func approve(_ c: inout RequestContext) throws -> Reply {
        var p = c.request.query
        for (k, v) in c.form { p[k] = v }
        if let problem = check(p, c) { return .html(400, errorPage(problem)) }
        return decide(p, approve: p["approve"] ?? "1", &c)
    }

    private static func check(_ p: [String: String], _ c: RequestContext) -> String? {
        guard p["response_type"] == "code" else { return "response_type must be 'code'." }
        guard let id = p["client_id"], c.state.clients[id] != nil else { return "Unknown client_id." }
        guard let uri = p["redirect_uri"], uri.hasPrefix("http://") || uri.hasPrefix("https://") else {
            return "redirect_uri is missing or not an http(s) URL."
        }
        return nil
    }

    /// The user who signs in: `login=` if it names an enterprise user, else the admin.
    private static func signer(_ p: [String: String], _ c: RequestContext) -> SandboxUser? {
        if let login = p["login"]?.lowercased(),
            let slot = c.state.order.first(where: { $0.user.login.lowercased() == login && !$0.user.isExternal })
        {
            return slot.user
        }
        return c.state.user(c.state.adminUserID)
    }

    private static func decide(_ p: [String: String], approve: String, _ c: inout RequestContext) -> Reply {
        let uri = p["redirect_uri"] ?? ""
        var items: [(String, String)] = []
        if parseBool(approve) == true, let user = signer(p, c) {
            let code = SecureRandom.token(32)
            c.tokens.codes[code] = AuthCode(
                userID: user.id, clientID: p["client_id"] ?? "", redirectURI: uri, expiresAt: c.now + 30)
            items.append(("code", code))
        } else {
            items.append(("error", "access_denied"))
            items.append(("error_description", "The user denied access to your application"))
        }
        if let state = p["state"] { items.append(("state", state)) }
        let query = items.map { "\($0.0)=\(URLEncoding.encode($0.1))" }.joined(separator: "&")
        return .redirect(uri + (uri.contains("?") ? "&" : "?") + query)
    }

    private static func consentPage(_ p: [String: String], _ c: RequestContext) -> String {
        let hidden = ["response_type", "client_id", "redirect_uri", "state", "scope", "login"].compactMap { k in
            p[k].map { "<input type=\"hidden\" name=\"\(k)\" value=\"\(escape($0))\">" }
        }.joined(separator: "\n")
        var linkItems = p.filter { $0.key != "approve" }.sorted { $0.key < $1.key }.map {
            "\($0.key)=\(URLEncoding.encode($0.value))"
        }
        linkItems.append("approve=1")
        let who = signer(p, c).map { "\(escape($0.name)) (\(escape($0.login)))" } ?? "the admin"
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Grant access to Box</title></head>
            <body>
            <h1>Grant access to Box</h1>
            <p>The application <code>\(escape(p["client_id"] ?? ""))</code> would like to access the sandbox
            enterprise <b>\(escape(c.state.enterpriseName))</b> as \(who).</p>
            <form method="post" action="\(escape(c.request.path))">
            \(hidden)
            <button type="submit" name="approve" value="1">Grant access to Box</button>
            <button type="submit" name="approve" value="0">Deny</button>
            </form>
            <p><a id="approve" href="\(escape(c.request.path))?\(escape(linkItems.joined(separator: "&")))">Approve (link)</a></p>
            </body></html>

            """
    }

    private static func errorPage(_ message: String) -> String {
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Box: error</title></head><body><h1>Error</h1><p>\(escape(message))</p></body></html>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
