/// Where boxlua keeps its files (XDG base directories), and the process environment they are read
/// from: one rule for tokens, the audit log, REPL history and the sandbox's state.
#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process environment, read from `environ` (no Foundation), as name -> value.
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return env
    }
}

extension Files {
    /// boxlua's state folder, `$XDG_STATE_HOME/boxlua`, else `$HOME/.local/state/boxlua`
    /// (tokens, audit log, REPL history, the sandbox's JWT config and rehearsal audit log).
    public static func boxluaStateFolder(environment: [String: String]) -> String {
        xdgFolder("XDG_STATE_HOME", default: "/.local/state", environment) + "/boxlua"
    }

    /// boxlua's configuration folder, `$XDG_CONFIG_HOME/boxlua`, else `$HOME/.config/boxlua`.
    public static func boxluaConfigFolder(environment: [String: String]) -> String {
        xdgFolder("XDG_CONFIG_HOME", default: "/.config", environment) + "/boxlua"
    }

    /// The XDG base folder `variable` names when it is absolute (the specification says to ignore
    /// a relative one), else `home + underHome`. An unset or empty HOME (cron, systemd units, `env -i`)
    /// means the account's home folder from the password database, as a shell's `~` does, so every
    /// part of boxlua finds the same files; with no such entry either, `/`, where creating the
    /// folder fails with an error that names the path rather than writing beside the current folder.
    static func xdgFolder(_ variable: String, default underHome: String, _ environment: [String: String]) -> String {
        if let folder = environment[variable], folder.hasPrefix("/") { return folder }
        if let home = environment["HOME"], !home.isEmpty { return home + underHome }
        return (accountHome() ?? "") + underHome
    }

    /// The current user's home folder from the password database, nil when it has none.
    static func accountHome() -> String? {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        let home = String(cString: dir)
        return home.isEmpty || home == "/" ? nil : home
    }
}
