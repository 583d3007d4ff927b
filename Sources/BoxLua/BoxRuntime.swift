/// One run's Box session inside a Lua state: the client (made on first use), change
/// control (dry run or live), the parallel scheduler, and the Lua API installed over them.
import Files
import BoxChanges
import BoxClient
import JSON
import LuaHost
import TerminalProgress

public struct BoxRunOptions: Sendable {
    public var dryRun = false
    /// `--plan FILE` (implies a dry run).
    public var planPath: String?
    public var maxDeletes: Int? = 100
    /// Where live changes are logged; nil for the default under `$XDG_STATE_HOME`.
    public var auditLogPath: String?
    public var asUser: String?
    /// `--protect`: users (ids or logins) no change may touch, besides the signed-in user.
    public var protect: [String] = []
    /// The `base_url` a plan records; nil for the client's (`--sandbox` records "sandbox",
    /// since its loopback port is gone when the plan is applied).
    public var planBaseURL: String?
    public var profile: String?
    public var verbose = false
    public var quiet = false
    /// The environment to read credentials from: the process's, read each time it is asked for
    /// (on the first Box call: a run that makes none never copies it), unless set (--sandbox's).
    public var environment: [String: String] {
        get { givenEnvironment ?? ProcessEnvironment.current() }
        set { givenEnvironment = newValue }
    }
    private var givenEnvironment: [String: String]?

    public init() {}

    public var isDryRun: Bool { dryRun || planPath != nil }
}

public final class BoxRuntime {
    public let options: BoxRunOptions
    /// Where stderr lines go (dry-run lines, logs, summaries).
    let say: (String) -> Void
    var session: (client: BoxClient, control: ChangeControl)?
    private var audit: AuditLog?
    let scheduler = ParallelScheduler()
    /// Until the API is installed on first use (FirstUse.swift): its stand-ins.
    var standIns: APIStandIns?
    /// The API's `help`, for the stand-in a script may have kept.
    var installedHelp: LuaReference?
    /// The most Box calls in flight at once during the last box.parallel.
    public var parallelPeak: Int { scheduler.peakInFlight }
    /// The progress line for long work (listings, box.parallel); nil shows none.
    public var progress: ProgressLine?
    var listingProgress: ListingProgress?

    public init(options: BoxRunOptions, say: @escaping (String) -> Void) {
        self.options = options
        self.say = say
    }

    /// The signed-in client, made on first use so that scripts that never touch Box need
    /// no credentials.
    func client() throws -> (client: BoxClient, control: ChangeControl) {
        if let session { return session }
        let client: BoxClient
        var protect = options.protect
        // Read (copied) once, here: the credentials and the audit log's place come from it.
        let environment = options.environment
        do {
            let configuration = try Configuration.load(environment: environment, profile: options.profile)
            var settings = try configuration.clientSettings()
            if let asUser = options.asUser { settings.asUser = asUser }
            // Without libcurl no call can be made: a configuration error of the machine (exit 2).
            try HTTPEngine.loadLibcurl()
            client = BoxClient(settings: settings, signIn: try configuration.signIn())
            protect += configuration.protect
        } catch {
            throw ConfigurationErrorValue(message: "\(error)")
        }
        if options.verbose { client.trace = stderrTraceSink() }
        if let progress { showProgress(of: client, on: progress) }
        // Ctrl-C: every pending call, even one waiting out a Retry-After, ends at once.
        client.engine.shouldInterrupt = { [unowned self] in self.interruptRequested() }
        let mode: ChangeControl.Mode = options.isDryRun ? .dryRun : .live
        if mode == .live {
            let path = options.auditLogPath ?? defaultAuditLogPath(environment)
            do { audit = try AuditLog(path: path) } catch {
                throw ConfigurationErrorValue(message: "cannot open the audit log: \(error)")
            }
        }
        let control = ChangeControl(
            client: client, mode: mode, maxDeletes: options.maxDeletes, audit: audit, source: "run",
            protect: protect, say: say)
        // A dry run predicts Box refusing a forced delete under a legal hold or retention policy.
        control.deleteBlockers = [HoldBlockers()]
        session = (client, control)
        return (client, control)
    }

    /// True once Ctrl-C (or SIGTERM) asked the state to stop.
    var interruptRequested: () -> Bool = { false }

    /// Installs `box`, `csv`, `json`, `log`, `show` and `help` into `state`: with `onFirstUse`,
    /// as stand-ins that install the rest when a chunk first uses them (FirstUse.swift), so
    /// that a chunk that never does pays nothing for them; else all at once (the REPL, whose
    /// Tab completion reads the tables without running Lua).
    public func install(into state: LuaState, onFirstUse: Bool = true) throws {
        if let path = options.planPath {
            // Found now, not after the whole dry run: no Box call is made for a plan that
            // could not be written.
            do { try checkFileCanBeWritten(path) } catch {
                throw LuaError(kind: .runtime, message: "--plan: \(error)")
            }
        }
        interruptRequested = { [weak state] in state?.interruptRequested == true }
        try installShow(into: state)
        if onFirstUse {
            try installStandIns(into: state)
        } else {
            try installAPI(into: state)
        }
    }

    /// Everything but `show`: the helpers, the Box primitives and the Lua half.
    func installAPI(into state: LuaState) throws {
        try installHelpers(into: state)
        try installBoxPrimitives(into: state)
        try EmbeddedLua.box.run(in: state)
        try EmbeddedLua.help.run(in: state)
        try installProgressOutput(into: state)
    }

    /// Ends the run: the dry-run summary and plan, or the summary of changes sent. Returns
    /// an error message when the plan could not be written.
    public func finish(scriptSucceeded: Bool) -> String? {
        var failure: String?
        if let (client, control) = session {
            if options.isDryRun, let path = options.planPath {
                if scriptSucceeded {
                    let plan = control.plan(
                        baseURL: options.planBaseURL ?? displayURL(client.settings.baseURL),
                        asUser: client.settings.asUser)
                    do {
                        // The old plan's journal must not be taken for this one's.
                        if let aside = try PlanJournal.moveAside(ofPlan: path) {
                            say("[dry-run] the journal of the plan it replaces moved to \(aside)")
                        }
                        try writeFileAtomically(plan.jsonLines(), to: path, mode: 0o600)
                        say(
                            "[dry-run] plan written to \(path) (\(plan.changes.count) changes); boxlua apply \(path) makes them"
                        )
                    } catch {
                        failure = "cannot write the plan: \(error)"
                    }
                } else {
                    say("[dry-run] plan not written: the script failed")
                }
            }
            if !options.quiet || options.isDryRun { control.summary().forEach(say) }
            if scriptSucceeded, let auditFailure = control.auditFailure {
                failure = "the audit log could not be written (\(auditFailure)); a change it should list was made"
            }
        } else if options.isDryRun {
            if let path = options.planPath {
                say("[dry-run] the script made no Box call: no plan written to \(path)")
            }
            say("[dry-run] 0 changes")
            say("[dry-run] nothing was sent")
        }
        audit?.close()
        return failure
    }
}

/// `$XDG_STATE_HOME/boxlua/audit.jsonl`: where live changes are logged by default.
public func defaultAuditLogPath(_ env: [String: String]) -> String {
    Files.boxluaStateFolder(environment: env) + "/audit.jsonl"
}
