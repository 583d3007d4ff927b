/// `boxlua apply PLAN [--stop-on-error]`: carry out a plan written by --plan, exactly and
/// resumably (see BoxChanges.PlanApplier).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import BoxChanges
import BoxClient
import BoxLua
import BoxSandbox

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
            print("usage: boxlua apply PLAN [--stop-on-error] [--sandbox[=SEED]] [--protect USER]... [--profile NAME] [--audit-log FILE] [--verbose] [--quiet]")
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
    StopSignals.install()
    defer { StopSignals.restore() }
    client.engine.shouldInterrupt = { StopSignals.requested }
    let say: (String) -> Void = { line in if !quiet { fputs(line + "\n", stderr) } }
    let applier = PlanApplier(client: client, plan: plan, planPath: planPath, audit: audit, say: say)
    applier.stopOnError = stopOnError
    applier.shouldStop = { StopSignals.requested }
    let report: ApplyReport
    do { report = try applier.run() } catch {
        fputs("boxlua apply: \(error)\n", stderr)
        return 1
    }
    var summary = "applied \(planPath): \(report.ok) ok, \(report.failed) failed, \(report.skipped) done before"
    if report.notRun > 0 { summary += ", \(report.notRun) not run" }
    fputs(summary + "\n", stderr)
    if report.interrupted || StopSignals.requested {
        fputs("boxlua apply: interrupted; run `boxlua apply \(planPath)` again to finish\n", stderr)
        return 1
    }
    return report.failed > 0 ? 1 : 0
}
