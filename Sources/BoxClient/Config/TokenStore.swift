/// Where `boxlua login` and refreshes keep a profile's tokens: one JSON file, mode 0600,
/// replaced atomically.
import Files
import Glibc
import JSON

/// An access token, the refresh token that came with it, and when the access token expires.
public struct StoredTokens: Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String?
    /// Unix time at which Box said the access token expires.
    public var expiresAt: Double

    public init(accessToken: String, refreshToken: String?, expiresAt: Double) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
    }
}

/// Box's API root, the default `BOX_BASE_URL`.
public let productionBaseURL = "https://api.box.com"

/// The token file of one profile and one API root:
/// `$XDG_STATE_HOME/boxlua/tokens/PROFILE.json` for Box itself, `PROFILE@HASH.json` for any
/// other `BOX_BASE_URL` (HASH: 16 hex digits of FNV-1a of the URL), so tokens a sandbox or a
/// proxy issued never go to Box, nor Box's to them. The file also records its base URL.
public struct TokenStore: Sendable {
    public let path: String
    /// The API root these tokens are for, without userinfo or trailing slash.
    public let baseURL: String

    public init(path: String, baseURL: String = productionBaseURL) {
        self.path = path
        self.baseURL = tokenBaseURL(baseURL)
    }

    /// The store of `profile` for `baseURL` under `$XDG_STATE_HOME` (or `~/.local/state`).
    public init(profile: String, environment: [String: String], baseURL: String = productionBaseURL) {
        let base = tokenBaseURL(baseURL)
        let suffix = base == productionBaseURL ? "" : "@" + fnv1a64Hex(base)
        self.init(
            path: Files.boxluaStateFolder(environment: environment) + "/tokens/\(profile)\(suffix).json", baseURL: base)
    }

    /// The stored tokens, or nil when there is no file yet. A file recording another base
    /// URL (one without a record is Box's, as every file was before) is an error naming both.
    public func load() throws(ConfigError) -> StoredTokens? {
        guard let text = try readFileIfPresent(path) else { return nil }
        guard let json = try? JSON.parse(text), let access = json["access_token"]?.stringValue else {
            throw ConfigError("\(path): not a boxlua token file (run `boxlua login` again)")
        }
        let recorded = tokenBaseURL(json["base_url"]?.stringValue ?? productionBaseURL)
        guard recorded == baseURL else {
            throw ConfigError(
                "\(path) holds tokens for \(recorded), not for BOX_BASE_URL \(baseURL): not using them"
                    + " (run `boxlua login` for this base URL)")
        }
        return StoredTokens(
            accessToken: access, refreshToken: json["refresh_token"]?.stringValue,
            expiresAt: json["expires_at"]?.doubleValue ?? 0)
    }

    /// Takes the store's lock (`flock` on `PATH.lock`) if no other process or client holds
    /// it: nil when it is busy. Refreshes happen under it, since Box's refresh tokens are
    /// single-use and two processes refreshing with one would leave one with `invalid_grant`.
    public func tryLock() throws(ConfigError) -> TokenStoreLock? {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        try makePrivateDirectory(dir)
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw ConfigError("cannot open \(lockPath): \(errnoText())") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            let reason = errnoText()
            close(fd)
            if busy { return nil }
            throw ConfigError("cannot lock \(lockPath): \(reason)")
        }
        return TokenStoreLock(fd: fd)
    }

    /// Writes the tokens to a temporary file (mode 0600, created exclusively) beside the store,
    /// syncs it, then renames it over the store, so a crash leaves either the old pair or the new one.
    public func save(_ tokens: StoredTokens) throws(ConfigError) {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        try makePrivateDirectory(dir)
        var obj = JSONObject()
        obj["base_url"] = .string(baseURL)
        obj["access_token"] = .string(tokens.accessToken)
        if let r = tokens.refreshToken { obj["refresh_token"] = .string(r) }
        // Clamped: a broken expiry must not trap the Int64 conversion (it only ever means "stale").
        obj["expires_at"] = .int(Int64(min(max(tokens.expiresAt.isFinite ? tokens.expiresAt : 0, 0), 1e15)))
        let bytes = JSON.object(obj).serializedBytes() + [10]
        do {
            try Files.replacePrivately(path, with: bytes, mode: 0o600)
        } catch {
            throw ConfigError(error.description)
        }
    }
}

/// Held while one client refreshes a store's tokens; released once (or when it goes away).
public final class TokenStoreLock {
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { release() }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}

/// A base URL as token files record it: no userinfo (never a password on disk), no trailing slash.
func tokenBaseURL(_ url: String) -> String {
    let shown = displayURL(url)
    return shown.hasSuffix("/") ? String(shown.dropLast()) : shown
}

/// 64-bit FNV-1a of the text's UTF-8, as 16 hex digits: a short stable name, not a secret.
func fnv1a64Hex(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in text.utf8 {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// Creates `dir` and its missing parents; the last one (which holds secrets) gets mode 0700.
func makePrivateDirectory(_ dir: String) throws(ConfigError) {
    do {
        try Files.makeParentFolders(of: dir + "/")
    } catch {
        throw ConfigError(error.description)
    }
    guard chmod(dir, 0o700) == 0 else { throw ConfigError("cannot set mode 0700 on \(dir): \(errnoText())") }
}

/// The file's text, nil when it does not exist; other failures are errors naming the file.
func readFileIfPresent(_ path: String) throws(ConfigError) -> String? {
    do {
        return String(decoding: try Files.readAll(path), as: UTF8.self)
    } catch {
        if errno == ENOENT { return nil }
        throw ConfigError("cannot read \(path): \(error.reason)")
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Unix time now, with fractions.
func wallClockNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
