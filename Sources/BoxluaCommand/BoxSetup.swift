/// Where the command-line options reach the Box layer: the one call that installs `box`,
/// and the in-process sandbox of `--sandbox[=SEED]`.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Files
import BoxClient
import BoxLua
import BoxSandbox
import LuaHost
import TerminalProgress

/// A run's Box side: the runtime installed in the state, and the sandbox it may talk to.
final class BoxSession {
    let runtime: BoxRuntime
    private let sandbox: Sandbox?

    init(runtime: BoxRuntime, sandbox: Sandbox?) {
        self.runtime = runtime
        self.sandbox = sandbox
    }

    /// Prints the run's closing lines (dry-run summary, plan, changes sent) and stops the
    /// sandbox; returns an error line when the plan could not be written.
    func finish(scriptSucceeded: Bool) -> String? {
        defer { sandbox?.stop() }
        fflush(nil)  // the script's output first, then the closing lines on stderr
        return runtime.finish(scriptSucceeded: scriptSucceeded)
    }
}

/// Installs the Box API (`box.*`, csv, json, log, show, help) into `state` for a run with
/// `options`: on first use (BoxRuntime.install), unless `eagerly`. Throwing ends the run with
/// exit status 2 (bad configuration).
func installBoxAPI(into state: LuaState, options: RunOptions, eagerly: Bool) throws -> BoxSession {
    var box = BoxRunOptions()
    box.dryRun = options.dryRun
    box.planPath = options.planFile
    box.maxDeletes = options.maxDeletes
    box.auditLogPath = options.auditLog
    box.asUser = options.asUser
    box.protect = options.protect
    box.profile = options.profile
    box.verbose = options.verbose
    box.quiet = options.quiet
    var sandbox: Sandbox?
    if let which = options.sandbox {
        (sandbox, box.environment) = try Rehearsal.start(which, environment: ProcessEnvironment.current())
        box.planBaseURL = Rehearsal.planBaseURL
        box.auditLogPath = options.auditLog ?? Rehearsal.auditLogPath(box.environment)
    }
    let runtime = BoxRuntime(options: box) { line in ProgressLine.standardError.printAbove(line) }
    runtime.progress = ProgressLine.standardError
    try runtime.install(into: state, onFirstUse: !eagerly)
    return BoxSession(runtime: runtime, sandbox: sandbox)
}
