/// The one way out with an error: one stderr line and an exit status decided by the error's
/// type (lua.c's `report`). CONTRACT.md: 2 for bad usage or configuration, 1 for a script
/// error or a failed apply or call.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import BoxClient
import TerminalProgress

/// An error that knows the exit status it ends the process with.
protocol ExitStatusError: Error, CustomStringConvertible {
    var exitStatus: Int32 { get }
}

/// Configuration that cannot work (credentials, config file, a plan or seed that cannot be
/// used): exit status 2.
struct ConfigurationFailure: ExitStatusError {
    let description: String
    init(_ message: String) { description = message }
    var exitStatus: Int32 { 2 }
}

/// A command that ran and failed (a failed call, an apply left incomplete): exit status 1.
struct CommandFailure: ExitStatusError {
    let description: String
    init(_ message: String) { description = message }
    var exitStatus: Int32 { 1 }
}

extension ConfigError: ExitStatusError {
    var exitStatus: Int32 { 2 }
}

extension LibcurlUnavailable: ExitStatusError {
    var exitStatus: Int32 { 2 }
}

enum Reporter {
    /// Writes `PREFIX: ERROR` on stderr; returns the error's exit status (1 when it has none).
    static func report(_ error: any Error, prefix: String) -> Int32 {
        writeLine("\(prefix): \(error)")
        return (error as? any ExitStatusError)?.exitStatus ?? 1
    }

    /// One line on stderr, after what stdout holds, above the progress line.
    static func writeLine(_ line: String) {
        fflush(stdout)
        ProgressLine.standardError.printAbove(line)
    }
}
