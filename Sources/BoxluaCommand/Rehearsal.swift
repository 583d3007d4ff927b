/// `--sandbox[=SEED]` for a run and for `apply`: the in-process emulator a rehearsal talks
/// to, the base_url its plans record, and the audit log it writes (never the live one).
import Files
import BoxClient
import BoxSandbox
import FoundationEssentials

enum Rehearsal {
    /// The `base_url` of a plan made with `--sandbox`: only `apply --sandbox` takes it.
    static let planBaseURL = "sandbox"

    /// `$XDG_STATE_HOME/boxlua/sandbox/audit.jsonl`, beside the sandbox's other state.
    static func auditLogPath(_ environment: [String: String]) -> String {
        Files.boxluaStateFolder(environment: environment) + "/sandbox/audit.jsonl"
    }

    /// A rehearsal applies the plan to a fresh sandbox, so what an earlier rehearsal journaled
    /// (changes to a sandbox that is gone) must not make this one skip them: its journal is
    /// moved aside to `PLAN.journal.rehearsed`.
    static func setAsideJournal(ofPlan planPath: String) {
        let journal = planPath + ".journal"
        guard FileManager.default.fileExists(atPath: journal) else { return }
        _ = try? FileManager.default.removeItem(atPath: journal + ".rehearsed")
        _ = try? FileManager.default.moveItem(atPath: journal, toPath: journal + ".rehearsed")
    }

    /// Starts a fresh emulator of the demo enterprise or SEED, and returns it with the
    /// environment that signs in to it as its admin (winning over any other sign-in).
    static func start(_ which: RunOptions.Sandbox, environment: [String: String]) throws -> (Sandbox, [String: String])
    {
        let seed: SandboxSeed
        switch which {
        case .demo: seed = .demo()
        case .seed(let path): seed = try SandboxSeed.load(from: URL(fileURLWithPath: path))
        }
        let sandbox = try Sandbox(seed: seed)
        var base = try sandbox.start().absoluteString
        if base.hasSuffix("/") { base.removeLast() }
        var env = environment
        env["BOX_BASE_URL"] = base
        env["BOX_ACCESS_TOKEN"] = sandbox.credentials.accessToken
        return (sandbox, env)
    }
}
