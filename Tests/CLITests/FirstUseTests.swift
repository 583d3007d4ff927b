/// What a new user trips on (issue 13, items 5-7), through the real binary.
import Foundation
import TestSupport
import Testing

@Suite struct FirstUse {
    /// Admins put options first, as with git: `boxlua --profile p whoami`.
    @Test func optionsBeforeASubcommandApplyToIt() throws {
        let demo = try DemoSandbox()
        var env = demo.processEnvironment
        env["BOX_BASE_URL"] = nil
        env["BOX_ACCESS_TOKEN"] = nil
        let config = demo.home.appendingPathComponent("config/boxlua")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
        [profiles.p]
        base_url = "\(demo.url)"
        access_token = "\(demo.sandbox.credentials.accessToken)"
        """.write(to: config.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        let r = try boxlua(["--profile", "p", "whoami"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("alex.morgan@northwind.example"), "\(r.stdout)")
        let inline = try boxlua(["--profile=p", "--verbose", "whoami"], environment: env)
        #expect(inline.status == 0 && inline.stdout.contains("alex.morgan@northwind.example"), "\(inline.stderr)")
        // A profile named like a subcommand is a value, not the subcommand.
        let named = try boxlua(["--profile", "whoami", "-e", "box.users.me()"], environment: env)
        #expect(named.status == 2 && named.stderr.contains("profile 'whoami' not found"), "\(named.stderr)")
    }

    /// A script named like a subcommand runs as ./NAME, or after `--`.
    @Test func aScriptNamedLikeASubcommandRunsWithDotSlashOrDoubleDash() throws {
        let dir = temporaryDirectory()
        try "print('the script', ...)".write(to: dir.appendingPathComponent("apply"), atomically: true, encoding: .utf8)
        let dot = try boxlua(["./apply", "x"], directory: dir.path)
        #expect(dot.status == 0 && dot.stdout == "the script\tx\n", "\(dot.stderr)")
        let dashes = try boxlua(["--", "apply", "y"], directory: dir.path)
        #expect(dashes.status == 0 && dashes.stdout == "the script\ty\n", "\(dashes.stderr)")
    }

    /// One line under 200 characters; the details are in --help.
    @Test func missingCredentialsIsOneShortLine() throws {
        let home = temporaryDirectory().path
        let r = try boxlua(
            ["-e", "box.users.me()"],
            environment: [
                "BOX_ACCESS_TOKEN": nil, "BOX_JWT_CONFIG": nil, "BOX_CLIENT_ID": nil, "BOX_CLIENT_SECRET": nil,
                "BOX_BASE_URL": nil, "BOXLUA_PROFILE": nil, "HOME": home, "XDG_CONFIG_HOME": nil,
            ])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.count < 200, "\(r.stderr.count) characters: \(r.stderr)")
        #expect(r.stderr.hasPrefix("boxlua: no Box credentials: set BOX_ACCESS_TOKEN"), "\(r.stderr)")
        #expect(r.stderr.contains("~/.config/boxlua/config.toml"), "\(r.stderr)")
        let partial = try boxlua(
            ["-e", "box.users.me()"],
            environment: [
                "BOX_ACCESS_TOKEN": nil, "BOX_JWT_CONFIG": nil, "BOX_CLIENT_ID": "id", "BOX_CLIENT_SECRET": "s",
                "BOX_ENTERPRISE_ID": nil, "BOX_USER_ID": nil, "BOX_REFRESH_TOKEN": nil,
                "BOX_BASE_URL": nil, "BOXLUA_PROFILE": nil, "HOME": home, "XDG_CONFIG_HOME": nil,
            ])
        #expect(
            partial.status == 2 && partial.stderr.split(separator: "\n").count == 1 && partial.stderr.count < 200,
            "\(partial.stderr)")
        let help = try boxlua(["--help"])
        #expect(help.stdout.contains("BOX_JWT_CONFIG") && help.stdout.contains("BOX_ENTERPRISE_ID or BOX_USER_ID"))
    }

    @Test func helpListsEveryLogFunction() throws {
        let r = try boxlua(["-e", "help()"])
        for name in ["log.info", "log.warn", "log.error"] {
            #expect(r.stdout.contains("\n  \(name) "), "help() lacks \(name)")
        }
    }
}
