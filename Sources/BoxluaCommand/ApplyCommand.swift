/// `boxlua apply PLAN [--stop-on-error]`: carry out a plan written by --plan, exactly and
/// resumably (see BoxChanges.PlanApplier).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import BoxChanges
import BoxClient
import BoxLua
import BoxSandbox

let applyHelp = """
    usage: boxlua apply PLAN [--stop-on-error] [--sandbox[=SEED]] [--protect USER]... [--profile NAME]
                             [--audit-log FILE] [--verbose] [--quiet]

    Sends the changes of PLAN (written by `boxlua --plan PLAN script.lua`) in order, once each.
      - The plan must end with its end line {"boxlua_plan_end":N,"sha256":...}: a cut or edited
        plan, or one made for another base_url, is refused (exit 2).
      - PLAN.journal records each change; a second apply skips what was done. The journal
        belongs to its plan (a new --plan to the same file moves the old journal to
        PLAN.journal.N); a journal of another plan is refused (exit 2).
      - One apply of a plan at a time: a second one while it runs exits 2.
      - When a change fails, the later changes of the same subject are skipped.
      - A change whose outcome is unknown (Ctrl-C, kill, a timeout, a reset, a 5xx) is checked
        on Box before it is sent again; what cannot be checked (terminate_sessions, invites,
        box.request) is not resent: apply says so and leaves it to you.
      - Every change gets an audit line before it is reported done; if the audit log cannot be
        written, apply stops before the next change (exit 1).
      - The guards of a live run hold: the whole plan is checked before anything is sent, and
        a change to the signed-in user or a --protect USER (id or login; also protect = [...]
        in the profile), or a delete of a transfer destination, refuses it (exit 2).
      - --sandbox[=SEED] rehearses a plan made with --sandbox (base_url "sandbox") on a fresh
        sandbox; its audit lines go to $XDG_STATE_HOME/boxlua/sandbox/audit.jsonl.
      - Ctrl-C, SIGTERM or SIGHUP: the change in flight finishes, then apply stops (a second
        one cuts it off; the next apply checks it). Exit 1 when anything is left undone.
    """

func applyCommand(_ arguments: [String]) -> Int32 {
    var planPath: String?
    var stopOnError = false, verbose = false, quiet = false
    var profile: String?, auditLog: String?
    var protect: [String] = [], sandbox: RunOptions.Sandbox?
    var args = arguments[...]
    func fail(_ message: String) -> Int32 {
        fputs("boxlua apply: \(message)\n", stderr)
        return 2
    }
    while let a = args.popFirst() {
        switch a {
        case "--stop-on-error": stopOnError = true
        case "--verbose": verbose = true
        case "--quiet": quiet = true
        case "--profile":
            guard let v = args.popFirst() else { return fail("--profile needs a NAME") }
            profile = v
        case "--audit-log":
            guard let v = args.popFirst() else { return fail("--audit-log needs a FILE") }
            auditLog = v
        case "--protect":
            guard let v = args.popFirst(), !v.hasPrefix("-") else { return fail("--protect needs a USER (id or login)") }
            protect.append(v)
        case _ where a.hasPrefix("--protect=") && a.count > 10: protect.append(String(a.dropFirst(10)))
        case "--sandbox": sandbox = .demo
        case _ where a.hasPrefix("--sandbox="): sandbox = .seed(String(a.dropFirst("--sandbox=".count)))
        case "-h", "--help":
            print(applyHelp)
            return 0
        default:
            if a.hasPrefix("-") && a != "-" { return fail("unknown option \(a)") }
            guard planPath == nil else { return fail("one PLAN at a time (got \(planPath!) and \(a))") }
            planPath = a
        }
    }
    guard let planPath else { return fail("which plan? usage: boxlua apply PLAN [--stop-on-error]") }

    let plan: Plan
    do { plan = try Plan.parse(try JSONLinesFile.readText(planPath)) } catch {
        return fail("\(planPath): \(error)")
    }
    var environment = ProcessEnvironment.current()
    let client: BoxClient
    var rehearsal: BoxSandbox.Sandbox?
    defer { rehearsal?.stop() }
    do {
        if let sandbox {
            guard plan.header.baseURL == Rehearsal.planBaseURL else {
                return fail("the plan was made for \(plan.header.baseURL), not with --sandbox; refusing to rehearse it")
            }
            (rehearsal, environment) = try Rehearsal.start(sandbox, environment: environment)
            Rehearsal.setAsideJournal(ofPlan: planPath)
        }
        let configuration = try Configuration.load(environment: environment, profile: profile)
        client = BoxClient(settings: try configuration.clientSettings(), signIn: try configuration.signIn())
        protect += configuration.protect
        if sandbox == nil { try PlanApplier.checkBaseURL(plan: plan, client: client) }
    } catch {
        return fail("\(error)")
    }
    if verbose { client.trace = stderrTraceSink() }
    let audit: AuditLog
    let defaultAudit = sandbox == nil ? defaultAuditLogPath(environment) : Rehearsal.auditLogPath(environment)
    do { audit = try AuditLog(path: auditLog ?? defaultAudit) } catch {
        return fail("\(error)")
    }
    defer { audit.close() }

    if let why = planGuardRefusal(plan: plan, client: client, protect: protect) { return fail("\(planPath): \(why)") }
    let say: (String) -> Void = { line in if !quiet { fputs(line + "\n", stderr) } }
    let applier = PlanApplier(client: client, plan: plan, planPath: planPath, audit: audit, say: say)
    let journal: PlanJournal
    do { journal = try applier.openJournal() } catch {
        return fail("\(error)")
    }
    defer { journal.close() }

    StopSignals.install()
    defer { StopSignals.restore() }
    // The first signal stops between changes, so the change in flight gets its answer; a
    // second one cuts it off (the next apply checks it on Box).
    client.engine.shouldInterrupt = { StopSignals.count >= 2 }
    applier.stopOnError = stopOnError
    applier.shouldStop = { StopSignals.requested }
    let report: ApplyReport
    do { report = try applier.run(journal: journal) } catch {
        fputs("boxlua apply: \(error)\n", stderr)
        return 1
    }
    var summary = "applied \(planPath): \(report.ok) ok, \(report.failed) failed, \(report.skipped) done before"
    if report.skippedSubject > 0 { summary += ", \(report.skippedSubject) skipped" }
    if report.unknown > 0 { summary += ", \(report.unknown) unknown" }
    if report.notRun > 0 { summary += ", \(report.notRun) not run" }
    fputs(summary + "\n", stderr)
    if let failure = report.auditFailure {
        fputs("boxlua apply: the audit log could not be written (\(failure)); stopped before the next change\n", stderr)
        return 1
    }
    if report.interrupted || StopSignals.requested {
        fputs("boxlua apply: interrupted; run `boxlua apply \(planPath)` again to finish\n", stderr)
        return 1
    }
    return report.incomplete ? 1 : 0
}
