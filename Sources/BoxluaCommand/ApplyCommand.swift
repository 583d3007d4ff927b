/// `boxlua apply PLAN [--stop-on-error]`: carry out a plan written by --plan, exactly and
/// resumably (see BoxChanges.PlanApplier).
import Files
import BoxChanges
import BoxClient
import BoxLua
import BoxSandbox
import TerminalProgress

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

/// `boxlua apply PLAN ...`
struct ApplyCommand: Subcommand {
    static let name = "apply"
    static let options: [LongOption] = [
        .flag("--stop-on-error"), .flag("--verbose"), .flag("--quiet"), .flag("--help"),
        .value("--profile", "a profile name"), .value("--audit-log", "a file name"),
        .value("--protect", "a user (id or login)"), .attachedValue("--sandbox"),
    ]

    var planPath = ""
    var stopOnError = false, verbose = false, quiet = false, showHelp = false
    var profile: String?, auditLog: String?
    var protect: [String] = []
    var sandbox: RunOptions.Sandbox?

    static func parse(_ arguments: [String]) throws(UsageError) -> ApplyCommand {
        var command = ApplyCommand()
        var plans: [String] = []
        var reader = ArgumentReader(arguments)
        while let argument = try reader.nextArgument(options: options) {
            switch argument {
            case .operand(let plan): plans.append(plan)
            case .option("--stop-on-error", _): command.stopOnError = true
            case .option("--verbose", _): command.verbose = true
            case .option("--quiet", _): command.quiet = true
            case .option("--help", _): command.showHelp = true
            case .option("--profile", let value): command.profile = value
            case .option("--audit-log", let value): command.auditLog = value
            case .option("--protect", let value): command.protect.append(value ?? "")
            case .option("--sandbox", let seed): command.sandbox = seed.map { .seed($0) } ?? .demo
            case .option(let name, _): throw UsageError("unknown option '\(name)'")
            }
        }
        if command.showHelp { return command }
        guard plans.count <= 1 else { throw UsageError("one PLAN at a time (got \(plans[0]) and \(plans[1]))") }
        guard let plan = plans.first else { throw UsageError("which plan? usage: boxlua apply PLAN [--stop-on-error]") }
        command.planPath = plan
        return command
    }

    func run() throws -> Int32 {
        if showHelp {
            print(applyHelp)
            return 0
        }
        let plan: Plan
        do { plan = try Plan.parse(try JSONLinesFile.readText(planPath)) } catch {
            throw ConfigurationFailure("\(planPath): \(error)")
        }
        var environment = ProcessEnvironment.current()
        let client: BoxClient
        var protect = protect
        var rehearsal: BoxSandbox.Sandbox?
        defer { rehearsal?.stop() }
        do {
            if let sandbox {
                guard plan.header.baseURL == Rehearsal.planBaseURL else {
                    throw ConfigurationFailure(
                        "the plan was made for \(plan.header.baseURL), not with --sandbox; refusing to rehearse it")
                }
                (rehearsal, environment) = try Rehearsal.start(sandbox, environment: environment)
                Rehearsal.setAsideJournal(ofPlan: planPath)
            }
            let configuration = try Configuration.load(environment: environment, profile: profile)
            try HTTPEngine.loadLibcurl()
            client = BoxClient(settings: try configuration.clientSettings(), signIn: try configuration.signIn())
            protect += configuration.protect
            if sandbox == nil { try PlanApplier.checkBaseURL(plan: plan, client: client) }
        } catch let error as ConfigurationFailure {
            throw error
        } catch {
            throw ConfigurationFailure("\(error)")
        }
        if verbose { client.trace = stderrTraceSink() }
        let line = ProgressLine.standardError
        line.isEnabled = !quiet && standardErrorIsATerminal(environment: environment)
        client.reportProgress(on: line)
        let audit: AuditLog
        let defaultAudit = sandbox == nil ? defaultAuditLogPath(environment) : Rehearsal.auditLogPath(environment)
        do { audit = try AuditLog(path: auditLog ?? defaultAudit) } catch {
            throw ConfigurationFailure("\(error)")
        }
        defer { audit.close() }

        if let why = planGuardRefusal(plan: plan, client: client, protect: protect) {
            throw ConfigurationFailure("\(planPath): \(why)")
        }
        let say: (String) -> Void = { text in if !quiet { Reporter.writeLine(text) } }
        let applier = PlanApplier(client: client, plan: plan, planPath: planPath, audit: audit, say: say)
        let journal: PlanJournal
        do { journal = try applier.openJournal() } catch {
            throw ConfigurationFailure("\(error)")
        }
        defer { journal.close() }

        StopSignals.install()
        defer { StopSignals.restore() }
        // The first signal stops between changes, so the change in flight gets its answer; a
        // second one cuts it off (the next apply checks it on Box).
        client.engine.shouldInterrupt = { StopSignals.count >= 2 }
        applier.stopOnError = stopOnError
        applier.shouldStop = { StopSignals.requested }
        let task = line.begin("apply \(planPath)")
        defer { task.end() }
        applier.progress = { handled, total in task.update(done: handled, total: total) }
        let report: ApplyReport
        do { report = try applier.run(journal: journal) } catch {
            throw CommandFailure("\(error)")
        }
        task.end()
        var summary = "applied \(planPath): \(report.ok) ok, \(report.failed) failed, \(report.skipped) done before"
        if report.skippedSubject > 0 { summary += ", \(report.skippedSubject) skipped" }
        if report.unknown > 0 { summary += ", \(report.unknown) unknown" }
        if report.notRun > 0 { summary += ", \(report.notRun) not run" }
        Reporter.writeLine(summary)
        if let failure = report.auditFailure {
            throw CommandFailure("the audit log could not be written (\(failure)); stopped before the next change")
        }
        if report.interrupted || StopSignals.requested {
            throw CommandFailure("interrupted; run `boxlua apply \(planPath)` again to finish")
        }
        return report.incomplete ? 1 : 0
    }
}
