/// Where REPL history lives and how the file is prepared (private, bounded).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The history file: `$XDG_STATE_HOME/boxlua/history`, else
/// `~/.local/state/boxlua/history`. Mode 0600: statements may hold user IDs.
public struct HistoryFile: Equatable, Sendable {
    public let path: String
    /// Entries kept in memory and in the file.
    public let limit: Int

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = limit
    }

    /// The standard location from the environment, or nil when neither
    /// `XDG_STATE_HOME` (absolute) nor `HOME` is set.
    public static func standard(environment: [String: String] = currentEnvironment()) -> HistoryFile? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return HistoryFile(path: state + "/boxlua/history")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return HistoryFile(path: home + "/.local/state/boxlua/history")
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

/// The process environment as a dictionary.
public func currentEnvironment() -> [String: String] {
    var out: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let text = String(cString: entry)
        if let eq = text.firstIndex(of: "=") {
            out[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
        p += 1
    }
    return out
}
