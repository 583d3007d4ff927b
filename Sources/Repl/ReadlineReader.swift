/// Lines from GNU readline: editing, history, Tab completion, Ctrl-C clears the line.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
@preconcurrency import CReadline
import LuaHost

/// Reads with `readline()`. While a line is read, SIGINT is caught (a flag plus a byte
/// on a wake-up pipe); our `rl_getc_function` sees it, empties the line and accepts
/// it, so the prompt comes back clean. Between lines SIGINT is left to the caller
/// (the REPL routes it to the running chunk). One reader at a time per process
/// (readline is global state).
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
        rl_getc_function = { stream in readKey(stream) }
        using_history()
        history_comment_char = 35  // "#": timestamps are written as "#1732790000" lines,
        history_write_timestamps = 1  // one before each entry, which...
        history_multiline_entries = 1  // ...keeps multi-line statements whole on reading
        stifle_history(Int32(history?.limit ?? 1000))
        if let history, history.prepare() {
            read_history(history.path)
            history_truncate_file(history.path, Int32(history.limit))
        }
    }

    public func readLine(prompt: String) -> LineRead {
        ReadlineSession.interruptFlag.pointee = 0
        let previous = catchInterrupts()
        defer { sigaction(SIGINT, [previous], nil) }
        guard let raw = readline(prompt) else { return .end }
        let line = String(cString: raw)
        free(raw)
        return ReadlineSession.interruptFlag.pointee != 0 ? .interrupted : .line(line)
    }

    /// Installs the prompt's SIGINT handler (no SA_RESTART, so `read` sees EINTR).
    private func catchInterrupts() -> sigaction {
        var action = sigaction()
        _ = ReadlineSession.wakePipe  // created before the handler may use it
        action.__sigaction_handler.sa_handler = { _ in
            ReadlineSession.interruptFlag.pointee = 1
            var byte: UInt8 = 1
            _ = write(ReadlineSession.wakePipe.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGINT, &action, &previous)
        return previous
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
    nonisolated(unsafe) static var completer: LuaCompleter?
    nonisolated(unsafe) static var matches: [String] = []
    nonisolated(unsafe) static var matchIndex = 0
    /// Written by the SIGINT handler (one byte) so `poll` wakes; non-blocking.
    nonisolated(unsafe) static let wakePipe: (read: Int32, write: Int32) = {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }()
    /// Written by the SIGINT handler: plain memory, no Swift access checks.
    nonisolated(unsafe) static let interruptFlag: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
}

/// One key for readline. The SIGINT handler also writes a byte to a pipe that is
/// polled together with the terminal, so a Ctrl-C can never be lost between a check
/// and a blocking read. On Ctrl-C: empty the line and answer Enter, so readline
/// returns and the REPL drops the statement.
private func readKey(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
    let fd = stream.map { fileno($0) } ?? 0
    let wake = ReadlineSession.wakePipe
    while true {
        if ReadlineSession.interruptFlag.pointee != 0 {
            drain(wake.read)
            rl_replace_line("", 0)
            return 10
        }
        var fds = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
        ]
        if poll(&fds, 2, -1) < 0 {
            guard errno == EINTR else { return EOF }
            continue
        }
        if fds[1].revents != 0 { drain(wake.read) }  // the flag says what it meant
        guard fds[0].revents != 0 else { continue }
        var c: UInt8 = 0
        let n = read(fd, &c, 1)
        if n == 1 { return Int32(c) }
        if n == 0 || (errno != EINTR && errno != EAGAIN) { return EOF }
    }
}

private func drain(_ fd: Int32) {
    var bytes = [UInt8](repeating: 0, count: 64)
    while read(fd, &bytes, bytes.count) > 0 {}
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
