/// The read-eval-print loop of lua.c: `return` first, `<eof>` continuation, printing.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import LuaHost

/// How the REPL looks.
public struct ReplOptions: Sendable {
    /// The prompt for a new statement (a string `_PROMPT` global overrides it).
    public var prompt = "box> "
    /// The prompt for the next line of an unfinished statement (`_PROMPT2` overrides).
    public var continuationPrompt = ">> "
    /// Print the traceback under each error message.
    public var showTracebacks = false
    /// Runs when a statement ends, before its values or error are printed (the CLI erases
    /// its progress line there: none between statements).
    public var statementEnded: @Sendable () -> Void = {}

    public init() {}
}

/// lua.c's doREPL: read a statement, run it, print its values or its error.
public struct Repl {
    let state: LuaState
    let reader: LineReader
    let options: ReplOptions
    let printer = LuaPrettyPrinter()

    public init(state: LuaState, reader: LineReader, options: ReplOptions = ReplOptions()) {
        self.state = state
        self.reader = reader
        self.options = options
    }

    /// Runs until end of input. Between statements SIGINT never ends the REPL: it
    /// interrupts the statement about to run (the reader catches it while reading).
    public func run() {
        InterruptSignal.route(to: state, restoreDefaultOnSignal: false)
        defer { InterruptSignal.restoreDefault() }
        while true {
            state.stack.top = 0
            state.clearInterrupt()
            switch readStatement() {
            case .end: return
            case .skipped: continue
            case .loaded: evaluate()
            }
        }
    }

    private enum Statement { case loaded, skipped, end }

    /// Reads lines until they form a chunk that compiles (lua.c's loadline): first
    /// as `return LINE;` so expressions print, then as statements, asking for more
    /// lines while the only error is an unexpected `<eof>`.
    private func readStatement() -> Statement {
        var line: String
        switch reader.readLine(prompt: prompt("_PROMPT", options.prompt)) {
        case .end: return .end
        case .interrupted: return .skipped
        case .line(let text): line = text
        }
        if line.hasPrefix("=") { line = "return " + line.dropFirst() }  // Lua 5.2 habit
        if (try? state.load("return " + line + ";", chunkName: "=stdin")) != nil {
            reader.remember(line)
            return .loaded
        }
        return readRest(line)
    }

    private func readRest(_ first: String) -> Statement {
        var buffer = first
        while true {
            do {
                try state.load(buffer, chunkName: "=stdin")
                reader.remember(buffer)
                return .loaded
            } catch  where error.kind == .syntax && error.message.hasSuffix("<eof>") {
                switch reader.readLine(prompt: prompt("_PROMPT2", options.continuationPrompt)) {
                case .line(let more): buffer += "\n" + more
                case .interrupted: return .skipped
                case .end:
                    report(error)
                    return .end
                }
            } catch {
                reader.remember(buffer)
                report(error)
                return .skipped
            }
        }
    }

    /// Runs the loaded chunk with Ctrl-C routed to it (as lua.c: a second Ctrl-C while
    /// it runs ends the process, for code stuck outside Lua), then prints its values.
    private func evaluate() {
        InterruptSignal.route(to: state, restoreDefaultOnSignal: true)
        defer { InterruptSignal.route(to: state, restoreDefaultOnSignal: false) }
        do {
            let count = try state.call(results: nil)
            options.statementEnded()
            printValues(count)
        } catch {
            options.statementEnded()
            report(error)
        }
    }

    private func printValues(_ count: Int) {
        guard count > 0 else { return }
        let s = state.stack
        let first = s.top - Int32(count) + 1
        let texts = (first...s.top).map { printer.render(s, at: $0) }
        Output.standard(texts.joined(separator: "\t") + "\n")
    }

    private func report(_ error: LuaError) {
        let text = options.showTracebacks ? error.messageWithTraceback : error.message
        Output.error(text + "\n")
    }

    /// The global `name` when it is a string, else `fallback`.
    private func prompt(_ name: String, _ fallback: String) -> String {
        let s = state.stack
        s.pushGlobals()
        defer { s.pop(2) }
        s.rawGet(at: -1, key: name)
        return s.pullString(at: -1) ?? fallback
    }
}
