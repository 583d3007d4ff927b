/// Where the REPL gets its lines: readline on a terminal, plain stdin otherwise.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
/// The outcome of asking for one line.
public enum LineRead: Equatable {
    case line(String)
    /// Ctrl-C at the prompt: drop what was typed (and any unfinished statement).
    case interrupted
    /// End of input (Ctrl-D on an empty line).
    case end
}

/// Reads lines for the REPL; history is the reader's business.
public protocol LineReader {
    /// Shows `prompt` and returns the next line without its newline.
    func readLine(prompt: String) -> LineRead
    /// Remembers a complete statement (possibly several lines).
    func remember(_ statement: String)
}

/// Lines from stdin without editing, for pipes (`boxlua -i < commands.lua`). The
/// prompt is written to stdout, as lua.c does without readline. While it waits for a
/// line, Ctrl-C has its default effect (the process ends), as in lua.c.
public struct PlainLineReader: LineReader {
    public init() {}

    public func readLine(prompt: String) -> LineRead {
        Output.standard(prompt)
        var byDefault = sigaction(), previous = sigaction()
        byDefault.__sigaction_handler.sa_handler = SIG_DFL
        sigaction(SIGINT, &byDefault, &previous)
        defer { sigaction(SIGINT, &previous, nil) }
        guard let line = Swift.readLine(strippingNewline: true) else {
            Output.standard("\n")  // leave the prompt line, as lua.c does
            return .end
        }
        return .line(line)
    }

    public func remember(_ statement: String) {}
}
