/// What the real binary shows about credentials: a plain-http warning, no password from
/// BOX_BASE_URL in traces or plans, and exit 2 for a JWT key that does not decrypt.
import BoxSandbox
import Foundation
import JSON
import Testing
import TestSupport

@Suite(.serialized)
struct ClientSafetyCLITests {
    func environment(_ home: URL, _ extra: [String: String?]) -> [String: String?] {
        var env: [String: String?] = [
            "BOX_JWT_CONFIG": nil, "BOX_CLIENT_ID": nil, "BOX_CLIENT_SECRET": nil, "BOXLUA_PROFILE": nil,
            "BOX_ACCESS_TOKEN": nil, "HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    @Test func aTokenOverPlainHTTPOffLoopbackWarnsOnce() throws {
        let home = temporaryDirectory("boxlua-http")
        let r = try boxlua(
            ["-e", "pcall(box.users.me) pcall(box.users.me)"],
            environment: environment(home, ["BOX_BASE_URL": "http://0.0.0.0:9", "BOX_ACCESS_TOKEN": "tok"]))
        #expect(r.status == 0)
        let warnings = r.stderr.split(separator: "\n").filter {
            $0.hasPrefix("boxlua: warning: credentials go to 0.0.0.0 over plain http")
        }
        #expect(warnings.count == 1, "\(r.stderr)")
    }

    @Test func aPasswordInTheBaseURLStaysOutOfTracesAndPlans() throws {
        let s = try DemoSandbox()
        let base = s.url.replacingOccurrences(of: "http://", with: "http://admin:pa55word@")
        let plan = s.home.appendingPathComponent("plan.jsonl").path
        var env = s.processEnvironment
        env["BOX_BASE_URL"] = base
        // A change to another user: the signed-in user is protected from every change.
        let r = try boxlua(
            [
                "--verbose", "--plan", plan, "-e",
                "local me = box.users.me() box.users.update(box.users.all{user_type = 'managed'}[7].id, {job_title = 'x'})",
            ],
            environment: env, directory: s.home.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("[http] GET \(s.url)/2.0/users/me"))
        #expect(!r.output.contains("pa55word"))
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(text.contains(#""base_url":"\#(s.url)""#))
        #expect(!text.contains("pa55word"))
        // The plan applies to the same base URL, password and all.
        let applied = try boxlua(["apply", plan], environment: env, directory: s.home.path)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(!applied.output.contains("pa55word"))
        // A live change: its audit line names the base URL without the password.
        let live = try boxlua(
            ["-e", "box.users.update(box.users.all{user_type = 'managed'}[8].id, {job_title = 'y'})"],
            environment: env, directory: s.home.path)
        #expect(live.status == 0, "\(live.stderr)")
        let audit = try String(contentsOfFile: s.auditLog, encoding: .utf8)
        #expect(audit.contains(#""base_url":"\#(s.url)""#), "\(audit)")
        #expect(!audit.contains("pa55word"), "\(audit)")
    }

    @Test func aWrongJWTPassphraseExits2() throws {
        let home = temporaryDirectory("boxlua-jwt")
        let sandbox = try Sandbox(seed: .demo(), stateDirectory: home)
        let path = try #require(sandbox.credentials.jwtConfigPath)
        let good = try String(contentsOfFile: path, encoding: .utf8)
        guard case .object(var top) = try JSON.parse(good), case .object(var app) = top["boxAppSettings"],
            case .object(var auth) = app["appAuth"]
        else { Issue.record("unexpected JWT config"); return }
        auth["passphrase"] = "wrong-passphrase"
        app["appAuth"] = .object(auth)
        top["boxAppSettings"] = .object(app)
        let bad = home.appendingPathComponent("bad.json").path
        try JSON.object(top).serialized().write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try boxlua(
            ["-e", "box.users.me()"],
            environment: environment(home, ["BOX_BASE_URL": "http://127.0.0.1:9", "BOX_JWT_CONFIG": bad]))
        #expect(r.status == 2, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.contains("\(bad): cannot decrypt the private key with its passphrase") == true)
        #expect(!r.stderr.contains("wrong-passphrase"))
    }
}
