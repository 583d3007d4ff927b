/// Exit status 2 is decided by the error value a script dies of, not by a flag set somewhere
/// along the run (issue 14): a configuration error the script caught and replaced with its
/// own error is the script's error (1); re-raised as it is, it is still configuration (2).
import Foundation
import TestSupport
import Testing

@Suite struct ConfigurationErrorStatus {
    private func run(_ chunk: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try boxlua(
            ["-e", chunk],
            environment: [
                "BOX_ACCESS_TOKEN": nil, "BOX_JWT_CONFIG": nil, "BOX_CLIENT_ID": nil, "BOX_CLIENT_SECRET": nil,
                "BOX_BASE_URL": nil, "BOXLUA_PROFILE": nil, "HOME": temporaryDirectory().path,
                "XDG_CONFIG_HOME": nil,
            ])
        return (r.status, r.stdout, r.stderr)
    }

    @Test func uncaughtIsStatusTwo() throws {
        let r = try run("box.users.me()")
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("boxlua: no Box credentials"), "\(r.stderr)")
    }

    @Test func caughtAndRaisedAgainUnchangedIsStillStatusTwo() throws {
        let r = try run("local ok, e = pcall(box.users.me); print(tostring(e) == e.message); error(e)")
        #expect(r.stdout == "true\n")
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("boxlua: no Box credentials"), "\(r.stderr)")
    }

    @Test func caughtAndReplacedByTheScriptsOwnErrorIsStatusOne() throws {
        let r = try run("local ok = pcall(box.users.me); assert(not ok); error('my own failure', 0)")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr == "boxlua: my own failure\n")
    }
}
