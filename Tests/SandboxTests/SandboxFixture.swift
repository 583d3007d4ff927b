/// A running demo sandbox for one test, with helpers that call it as an admin would.
import BoxSandbox
import Foundation
import HTTPServer
import JSON

final class SandboxFixture {
    let sandbox: Sandbox
    let url: URL
    let port: UInt16
    let token: String
    private let connection: TestConnection

    init(seed: SandboxSeed = .demo(), faults: Faults = Faults(), jwtConfigPath: String? = nil) throws {
        sandbox = try Sandbox(seed: seed, faults: faults, jwtConfigPath: jwtConfigPath)
        url = try sandbox.start()
        port = UInt16(url.port ?? 0)
        token = sandbox.credentials.accessToken
        connection = try TestConnection(port: port)
    }

    deinit { sandbox.stop() }

    /// A request with the admin's token (or `token`), on the fixture's keep-alive connection.
    func call(
        _ method: String, _ target: String, json: JSON? = nil, token: String? = nil, asUser: String? = nil,
        headers: [(String, String)] = [], rawBody: [UInt8]? = nil
    ) throws -> TestResponse {
        var h = headers
        h.append(("Authorization", "Bearer \(token ?? self.token)"))
        if let asUser { h.append(("As-User", asUser)) }
        if json != nil || rawBody != nil { h.append(("Content-Type", "application/json")) }
        return try connection.request(
            method, target, headers: h, body: rawBody ?? json.map { $0.serializedBytes() } ?? [])
    }

    /// A form POST (the OAuth endpoints), on a fresh connection.
    func form(_ path: String, _ fields: [String: String]) throws -> TestResponse {
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(URLEncoding.encode($0.value))" }.joined(
            separator: "&")
        return try http(
            "POST", port, path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8)
        )
    }

    var credentials: SandboxCredentials { sandbox.credentials }

    /// A token for the Client Credentials grant with `subject`.
    func ccgToken(type: String = "enterprise", id: String? = nil) throws -> String {
        let c = credentials
        let r = try form(
            "/oauth2/token",
            [
                "grant_type": "client_credentials", "client_id": c.clientID, "client_secret": c.clientSecret,
                "box_subject_type": type, "box_subject_id": id ?? c.enterpriseID,
            ])
        guard r.status == 200, let t = r.json["access_token"]?.stringValue else {
            throw TestClientError(description: "CCG failed: \(r.status) \(r.text)")
        }
        return t
    }

    /// The first listed user matching `predicate` (fields: role, status, space_used).
    func firstUser(where predicate: (JSON) -> Bool) throws -> JSON {
        let page = try call(
            "GET", "/2.0/users?limit=1000&fields=name,login,role,status,space_used,is_platform_access_only"
        ).json
        guard let u = page["entries"]?.arrayValue?.first(where: predicate) else {
            throw TestClientError(description: "no such user")
        }
        return u
    }
}
