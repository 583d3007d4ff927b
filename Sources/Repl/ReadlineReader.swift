/// Lines from GNU readline: editing, history, Tab completion, Ctrl-C clears the line.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
@preconcurrency import CReadline
import LuaHost

/// Reads with readline's callback interface inside a `poll` loop, so that Ctrl-C
/// (SIGINT, caught only while waiting for a line) can abandon the line cleanly, as
/// Python's REPL does. One reader at a time per process (readline is global state).
public final class ReadlineReader: LineReader {
    private let history: HistoryFile?
    private var lastEntry: String?

    /// - Parameters:
    ///   - state: completions come from its globals.
    ///   - history: where to keep history; nil keeps none.
    public init(state: LuaState, history: HistoryFile?) {
        self.history = history
        ReadlineSession.completer = LuaCompleter(state: state)
        rl_readline_name = UnsafePointer(strdup("boxlua"))
        rl_catch_signals = 0
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@$><=;|&{(}[],+-*/%^#~)"))
        rl_attempted_completion_function = { text, _, _ in completeWord(text) }
        using_history()
        stifle_history(Int32(history?.limit ?? 1000))
        if let history, history.prepare() {
            read_history(history.path)
            history_truncate_file(history.path, Int32(history.limit))
        }
    }

    public func readLine(prompt: String) -> LineRead {
        ReadlineSession.reset()
        rl_callback_handler_install(prompt, { line in ReadlineSession.receive(line) })
        signal(SIGINT, { _ in ReadlineSession.interruptFlag.pointee = 1 })
        defer { signal(SIGINT, SIG_DFL) }
        while !ReadlineSession.done {
            var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, -1) < 0 {
                guard errno == EINTR else { return abandon(.end) }
                if ReadlineSession.interruptFlag.pointee != 0 { return abandon(.interrupted) }
                continue
            }
            rl_callback_read_char()
        }
        guard let line = ReadlineSession.line else { return .end }
        return .line(line)
    }

    /// Drops the half-typed line and gives the terminal back (Python's recipe).
    private func abandon(_ outcome: LineRead) -> LineRead {
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_cleanup_after_signal()
        rl_callback_handler_remove()
        fputs("\n", stdout)
        fflush(stdout)
        return outcome
    }

    public func remember(_ statement: String) {
        guard !statement.isEmpty, statement != lastEntry else { return }
        lastEntry = statement
        add_history(statement)
        if let history { append_history(1, history.path) }
    }

    deinit {
        if let history { history_truncate_file(history.path, Int32(history.limit)) }
    }
}

/// readline's callbacks are C function pointers: their state lives here.
enum ReadlineSession {
    nonisolated(unsafe) static var line: String?
    nonisolated(unsafe) static var done = false
    nonisolated(unsafe) static var completer: LuaCompleter?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var matchIndex = 0
    /// Written by the SIGINT handler: plain memory, no Swift access checks.
    nonisolated(unsafe) static let interruptFlag: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    static func reset() {
        line = nil
        done = false
        interruptFlag.pointee = 0
    }

    static func receive(_ text: UnsafeMutablePointer<CChar>?) {
        if let text {
            line = String(cString: text)
            free(text)
        } else {
            fputs("\n", stdout)  // Ctrl-D: leave the prompt line
        }
        done = true
        rl_callback_handler_remove()
    }
}

/// readline's attempted-completion hook: our matches only, no file names.
private func completeWord(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    rl_completion_append_character = 0
    guard let text, let completer = ReadlineSession.completer else { return nil }
    var found = completer.candidates(for: String(cString: text))
    if found.count == 1 { found[0] += completer.suffix(for: found[0]) }
    ReadlineSession.matches = found
    ReadlineSession.matchIndex = 0
    return rl_completion_matches(text, nextMatch)
}

/// readline's generator: returns the matches one by one (readline frees them).
private func nextMatch(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { ReadlineSession.matchIndex = 0 }
    guard ReadlineSession.matchIndex < ReadlineSession.matches.count else { return nil }
    defer { ReadlineSession.matchIndex += 1 }
    return strdup(ReadlineSession.matches[ReadlineSession.matchIndex])
}
