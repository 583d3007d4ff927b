/// Writing to stdout and stderr through C stdio, the same buffers Lua's `print` uses.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Text on the process's standard streams, in order with Lua's own output.
public enum Output {
    /// Writes `text` to stdout and flushes it.
    public static func standard(_ text: String) {
        fputs(text, stdout)
        fflush(stdout)
    }

    /// Flushes stdout (so order is kept), then writes `text` to stderr.
    public static func error(_ text: String) {
        fflush(stdout)
        fputs(text, stderr)
    }
}
