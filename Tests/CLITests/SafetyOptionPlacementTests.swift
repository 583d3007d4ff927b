/// Issue 12, item 12: a safety option written after the script would reach the script and the
/// run would change Box for real; boxlua refuses it (exit 2) unless `--` says it is on purpose.
import Foundation
import Testing
import TestSupport

@testable import BoxluaCommand

@Suite struct SafetyOptionPlacement {
    func usageError(_ words: String...) -> String? {
        do {
            _ = try RunOptions.parse(["boxlua"] + words)
            return nil
        } catch { return error.description }
    }

    @Test(arguments: [
        "--dry-run", "--plan", "--plan=p.jsonl", "--max-deletes", "--max-deletes=0", "--sandbox",
        "--sandbox=seed.json", "--protect", "--protect=jdoe@example.com", "--as-user", "--as-user=42",
    ])
    func safetyOptionAfterTheScriptIsRefused(_ option: String) {
        let name = String(option.split(separator: "=")[0])
        #expect(
            usageError("job.lua", "x", option)
                == "put \(name) before the script: after job.lua it would reach the script, not boxlua (use 'boxlua -- job.lua ...' to pass it to the script)"
        )
        #expect(usageError("-", option)?.hasPrefix("put \(name) before the script") == true)
    }

    @Test func otherOptionsAndDoubleDashStillReachTheScript() throws {
        let o = try RunOptions.parse(["boxlua", "--", "job.lua", "--dry-run", "--max-deletes=0"])
        #expect(o.scriptArguments == ["--dry-run", "--max-deletes=0"])
        #expect(!o.dryRun)
        #expect(
            try RunOptions.parse(["boxlua", "job.lua", "--verbose", "--dry-runs", "dry-run"]).scriptArguments.count == 3
        )
        #expect(try RunOptions.parse(["boxlua", "--dry-run", "job.lua"]).dryRun)
    }

    @Test func theBinaryChangesNothingAndSaysWhereToPutIt() throws {
        let s = try DemoSandbox()
        let script = s.home.appendingPathComponent("job.lua")
        try "box.users.suspend(box.users.all()[5]) print('ran', ...)".write(
            to: script, atomically: true, encoding: .utf8)
        let env = s.processEnvironment
        let r = try boxlua([script.path, "--dry-run"], environment: env, directory: s.home.path)
        #expect(r.status == 2)
        #expect(
            r.stderr
                == "boxlua: put --dry-run before the script: after \(script.path) it would reach the script, not boxlua (use 'boxlua -- \(script.path) ...' to pass it to the script) (see boxlua --help)\n",
            "\(r.stderr)")
        #expect(s.changes.isEmpty, "\(s.changes)")
        let on = try boxlua(["--dry-run", "--", script.path, "--dry-run"], environment: env, directory: s.home.path)
        #expect(on.status == 0, "\(on.stderr)")
        #expect(on.stdout == "ran\t--dry-run\n")
        #expect(s.changes.isEmpty, "\(s.changes)")
    }
}
