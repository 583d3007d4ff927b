/// A fresh demo-enterprise sandbox in the test process (so its request log is readable), a
/// private home folder, and the environment that signs boxlua in to it.
import BoxSandbox
import Foundation

public final class DemoSandbox {
    public let sandbox: Sandbox
    /// `http://127.0.0.1:PORT`, as `BOX_BASE_URL` wants it.
    public let url: String
    /// HOME, with XDG_STATE_HOME and XDG_CONFIG_HOME below it.
    public let home: URL

    public init(seed: SandboxSeed = .demo(), faults: Faults = Faults()) throws {
        sandbox = try Sandbox(seed: seed, faults: faults)
        var u = try sandbox.start().absoluteString
        if u.hasSuffix("/") { u.removeLast() }
        url = u
        home = temporaryDirectory("boxlua-sandbox-home")
    }

    public convenience init(faults spec: String) throws {
        try self.init(faults: try Faults(spec: spec))
    }

    deinit { sandbox.stop() }

    /// Signed in with the admin's developer token; tokens and audit log stay under `home`.
    public var environment: [String: String] {
        [
            "BOX_BASE_URL": url, "BOX_ACCESS_TOKEN": sandbox.credentials.accessToken, "HOME": home.path,
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
        ]
    }

    /// The same for a child process: other sign-ins this machine may have set are removed.
    public var processEnvironment: [String: String?] {
        var env: [String: String?] = [
            "BOX_JWT_CONFIG": nil, "BOX_CLIENT_ID": nil, "BOX_CLIENT_SECRET": nil, "BOXLUA_PROFILE": nil,
        ]
        for (k, v) in environment { env[k] = v }
        return env
    }

    /// Every request the sandbox saw, as "METHOD /path", in order.
    public var requests: [String] { sandbox.requestLog.map { "\($0.method) \($0.path)" } }

    /// The changes among them (not GET, not token calls).
    public var changes: [String] {
        sandbox.requestLog.filter { $0.method != "GET" && !$0.path.hasPrefix("/oauth2/") }.map {
            "\($0.method) \($0.path)"
        }
    }

    /// Waits (60 s at most) until the sandbox has handled at least `count` changes.
    public func waitForChanges(atLeast count: Int) -> Bool {
        sandbox.waitForRequests(timeout: 60) { log in
            log.lazy.filter { $0.method != "GET" && !$0.path.hasPrefix("/oauth2/") }.count >= count
        }
    }

    /// Waits (60 s at most) until no client connection is open: whatever a finished or
    /// killed boxlua sent has been handled and logged.
    public func waitUntilNoOpenConnections() -> Bool {
        sandbox.waitUntilNoOpenConnections(timeout: 60)
    }

    /// The default audit log of a live run in this environment.
    public var auditLog: String { home.appendingPathComponent("state/boxlua/audit.jsonl").path }
}
