/// Where REPL history lives and how the file is prepared (private, bounded).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Files

/// The history file: `$XDG_STATE_HOME/boxlua/history`, else
/// `~/.local/state/boxlua/history` (`Files.boxluaStateFolder`). Mode 0600: statements may hold user IDs.
public struct HistoryFile: Equatable, Sendable {
    public let path: String
    /// Entries kept in memory and in the file.
    public let limit: Int

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = limit
    }

    /// The standard location from the environment (`Files.boxluaStateFolder`). Optional for
    /// callers that predate that rule: it no longer fails when HOME is unset.
    public static func standard(environment: [String: String] = ProcessEnvironment.current()) -> HistoryFile? {
        HistoryFile(path: Files.boxluaStateFolder(environment: environment) + "/history")
    }

    /// Creates the folder (0700) and the file (0600) when missing; true when the
    /// file is usable.
    @discardableResult
    public func prepare() -> Bool {
        guard let slash = path.lastIndex(of: "/") else { return false }
        makeDirectories(String(path[..<slash]))
        let fd = open(path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        fchmod(fd, 0o600)
        close(fd)
        return true
    }

    private func makeDirectories(_ dir: String) {
        var current = ""
        for part in dir.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o700)  // EEXIST is fine
        }
    }
}
