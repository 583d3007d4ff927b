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
    /// Throws ``ReadlineUnavailable`` when libreadline cannot be loaded.
    public init(state: LuaState, history: HistoryFile?) throws(ReadlineUnavailable) {
        if let reason = creadline_load() { throw ReadlineUnavailable(reason: String(cString: reason)) }
        self.history = history
        ReadlineSession.completer = LuaCompleter(state: state)
        creadline_set_readline_name(strdup("boxlua"))
        creadline_set_catch_signals(0)
        creadline_set_completer_word_break_characters(strdup(" \t\n\"\\'`@$><=;|&{(}[],+-*/%^#~)"))
        creadline_set_attempted_completion_function { text, _, _ in completeWord(text) }
        creadline_set_getc_function { stream in readKey(stream) }
        creadline_using_history()
        creadline_set_history_comment_char(35)  // "#": timestamps are written as "#1732790000" lines,
        creadline_set_history_write_timestamps(1)  // one before each entry, which...
        creadline_set_history_multiline_entries(1)  // ...keeps multi-line statements whole on reading
        creadline_stifle_history(Int32(history?.limit ?? 1000))
        if let history, history.prepare() {
            creadline_read_history(history.path)
            creadline_history_truncate_file(history.path, Int32(history.limit))
        }
    }

    public func readLine(prompt: String) -> LineRead {
        ReadlineSession.interruptFlag.pointee = 0
        let previous = catchInterrupts()
        defer { sigaction(SIGINT, [previous], nil) }
        guard let raw = creadline_readline(prompt) else { return .end }
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
        creadline_add_history(statement)
        if let history { creadline_append_history(1, history.path) }
    }

    deinit {
        if let history { creadline_history_truncate_file(history.path, Int32(history.limit)) }
    }
}

/// libreadline (loaded on the first REPL, not linked) is missing or not the expected one.
public struct ReadlineUnavailable: Error, CustomStringConvertible {
    /// dlopen's or dlsym's message.
    public let reason: String
    public var description: String { "no line editing: \(reason)" }
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
            creadline_replace_line("", 0)
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
    creadline_set_attempted_completion_over(1)
    creadline_set_completion_append_character(0)
    guard let text, let completer = ReadlineSession.completer else { return nil }
    var found = completer.candidates(for: String(cString: text))
    if found.count == 1 { found[0] += completer.suffix(for: found[0]) }
    ReadlineSession.matches = found
    ReadlineSession.matchIndex = 0
    return creadline_completion_matches(text, nextMatch)
}

/// readline's generator: returns the matches one by one (readline frees them).
private func nextMatch(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { ReadlineSession.matchIndex = 0 }
    guard ReadlineSession.matchIndex < ReadlineSession.matches.count else { return nil }
    defer { ReadlineSession.matchIndex += 1 }
    return strdup(ReadlineSession.matches[ReadlineSession.matchIndex])
}
