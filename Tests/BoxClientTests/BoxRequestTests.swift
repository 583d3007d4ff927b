/// Op names from method + path (the table's templates), query encoding, and the error value's one-line form.
import JSON
import Testing
@testable import BoxClient

struct BoxRequestTests {
    @Test(arguments: [
        ("DELETE", "/2.0/users/42", "users.delete"),
        ("PUT", "/2.0/users/42", "users.update"),
        ("POST", "/2.0/users", "users.create"),
        ("PUT", "/2.0/users/42/folders/0", "users.transfer_content"),
        ("POST", "/2.0/users/terminate_sessions", "users.terminate_sessions"),
        ("POST", "/2.0/invites", "invites.create"),
        ("GET", "/2.0/users", "users.list"),
        ("GET", "/2.0/users/me", "users.me"),
        ("GET", "/2.0/users/42", "users.get"),
        ("GET", "/2.0/users/42/memberships", "users.memberships"),
        ("GET", "/2.0/events", "events.admin_logs"),
        ("PUT", "/2.0/users/42/folders/7", "request"),
        ("DELETE", "/2.0/folders/5", "request"),
        ("POST", "/oauth2/token", "request"),
    ])
    func opNames(_ method: String, _ path: String, _ op: String) {
        #expect(BoxRequest(method, path).op == op)
    }

    @Test func subjectsAndQuery() {
        #expect(BoxRequest("DELETE", "/2.0/users/42").subjectID == "42")
        #expect(BoxRequest("GET", "/2.0/users/me").subjectID == nil)
        let r = BoxRequest(
            "get", "2.0/users", query: [("filter_term", "a b&c=d"), ("fields", "id,name"), ("x", "é+/")])
        #expect(r.method == "GET")
        #expect(r.pathAndQuery == "/2.0/users?filter_term=a%20b%26c%3Dd&fields=id%2Cname&x=%C3%A9%2B%2F")
        #expect(r.settingQuery("fields", "id").queryValue("fields") == "id")
        #expect(formDecode("a=1+2&b=%C3%A9&c")[1].1 == "é")
        #expect(
            BoxOperations.usersDelete.request("42", query: [("force", "true"), ("notify", "false")]).pathAndQuery
                == "/2.0/users/42?force=true&notify=false")
    }

    @Test func errorDescription() {
        let e = BoxError(
            status: 404, code: "not_found", message: "Not Found", requestID: "3f2a",
            method: "DELETE", url: "https://api.box.com/2.0/users/42?force=true")
        #expect(e.description == "box: 404 not_found: Not Found (DELETE /2.0/users/42, request 3f2a)")
        let n = BoxError(
            status: 0, code: "network_error", message: "connection refused to 127.0.0.1:9", method: "GET",
            url: "http://127.0.0.1:9/2.0/users/me")
        #expect(n.description == "box: 0 network_error: connection refused to 127.0.0.1:9 (GET /2.0/users/me)")
    }

    @Test func errorsFromBodies() {
        let client = BoxResponse(
            status: 409, headers: [("box-request-id", "hdr")],
            body: Array(
                """
                {"type":"error","status":409,"code":"user_login_already_used","message":"User with the specified login already exists",
                 "context_info":{"errors":[]},"request_id":"body-id","help_url":"http://developers.box.com/docs/#errors"}
                """.utf8))
        let e = BoxError.from(response: client, method: "POST", url: "https://x/2.0/users")
        #expect(e.code == "user_login_already_used")
        #expect(e.requestID == "body-id")
        #expect(e.contextInfo == ["errors": []])
        let oauth = BoxResponse(
            status: 400, body: Array(#"{"error":"invalid_grant","error_description":"Invalid refresh token"}"#.utf8))
        let o = BoxError.from(response: oauth, method: "POST", url: "https://x/oauth2/token")
        #expect(o.description == "box: 400 invalid_grant: Invalid refresh token (POST /oauth2/token)")
        let empty = BoxResponse(status: 401, headers: [("box-request-id", "rid")], body: [])
        #expect(
            BoxError.from(response: empty, method: "GET", url: "u").description
                == "box: 401 unauthorized: Unauthorized (GET u, request rid)")
        let html = BoxResponse(status: 502, body: Array("<html>bad gateway</html>".utf8))
        #expect(BoxError.from(response: html, method: "GET", url: "").message == "<html>bad gateway</html>")
    }

    @Test func hostAndPortForMessages() {
        #expect(hostAndPort(of: "http://127.0.0.1:9/2.0/users") == "127.0.0.1:9")
        #expect(hostAndPort(of: "https://api.box.com/2.0") == "api.box.com:443")
        #expect(hostAndPort(of: "http://localhost/x") == "localhost:80")
    }
}
