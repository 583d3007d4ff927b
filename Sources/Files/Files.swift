/// Reading and writing whole files over POSIX, with the rules a file that a user names needs
/// (CONTRACT.md: `csv.write`, plans, saved seeds): no Foundation, no knowledge of the contents.
///
/// Writing replaces a regular file atomically (a unique temporary file beside it, fsync, rename),
/// so a reader sees the old file or the new one, never half. It never replaces what is not a
/// regular file: `-` and `/dev/stdout`-like names write to the process's own descriptor, a pipe or
/// a device is written in place, and a symbolic link is kept: the file it points to is replaced.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file that could not be read or written: the path, what was attempted, and why.
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    /// `cannot write`, `cannot open`...
    public let action: String
    /// The system's reason (`Permission denied`) or ours (`it is a folder`).
    public let reason: String

    public init(path: String, action: String, reason: String) {
        self.path = path
        self.action = action
        self.reason = reason
    }

    /// `cannot write /x/y.csv: Permission denied`.
    public var description: String { "\(action) \(path): \(reason)" }
}

public enum Files {
    /// Every byte of the file at `path`.
    public static func readAll(_ path: String) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open", path) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read", path)
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Where `write` would put the bytes of `path`, decided before anything is written.
    public enum Target: Equatable, Sendable {
        /// One of this process's open descriptors (`-` is 1, `/dev/stderr` is 2, `/dev/fd/N`).
        case descriptor(Int32)
        /// A pipe, device or socket: opened and written in place.
        case inPlace(String)
        /// A regular file, or none yet: replaced atomically at this path (a symbolic link's target).
        case replace(String)
    }

    /// What `path` names for writing; follows symbolic links to their end.
    public static func target(of path: String) -> Target {
        if path == "-" { return .descriptor(1) }
        if let fd = ownDescriptor(path) { return .descriptor(fd) }
        var st = stat()
        guard lstat(path, &st) == 0 else { return .replace(path) }
        if isType(st, S_IFLNK) {
            var final = stat()
            // A dangling link: create the file it names, through it.
            guard stat(path, &final) == 0 else { return .inPlace(path) }
            guard isType(final, S_IFREG) else { return .inPlace(path) }
            guard let resolved = realPath(path) else { return .inPlace(path) }
            return .replace(resolved)
        }
        return isType(st, S_IFREG) || isType(st, S_IFDIR) ? .replace(path) : .inPlace(path)
    }

    /// Writes `bytes` to `path` by the rules above. A new file gets `mode`; an existing one keeps
    /// its mode unless `forceMode` (files that hold secrets or plans are always `mode`).
    public static func write(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o666, forceMode: Bool = false
    ) throws(FileError) {
        switch target(of: path) {
        case .descriptor(let fd):
            // What C stdio holds for these descriptors (Lua's print) goes first, to keep the order.
            fflush(nil)
            try writeAll(bytes, to: fd, path: path)
        case .inPlace(let p):
            let fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, mode)
            guard fd >= 0 else { throw failure("cannot write", path) }
            defer { close(fd) }
            try writeAll(bytes, to: fd, path: path)
        case .replace(let p):
            try replace(p, with: bytes, mode: mode, forceMode: forceMode, shownAs: path)
        }
    }

    /// Replaces the regular file at `path` (or creates it) atomically.
    private static func replace(
        _ path: String, with bytes: [UInt8], mode: mode_t, forceMode: Bool, shownAs shown: String
    ) throws(FileError) {
        var st = stat()
        var finalMode = mode & ~currentUmask()
        if stat(path, &st) == 0 {
            if isType(st, S_IFDIR) { throw FileError(path: shown, action: "cannot write", reason: "it is a folder") }
            if !forceMode { finalMode = st.st_mode & 0o7777 }
        }
        let (fd, temporary) = try createTemporary(beside: path, shownAs: shown)
        do throws(FileError) {
            try writeAll(bytes, to: fd, path: shown)
            guard fchmod(fd, finalMode) == 0, fsync(fd) == 0 else { throw failure("cannot write", shown) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            unlink(temporary)
            throw failure("cannot write", shown)
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot replace", shown)
            unlink(temporary)
            throw error
        }
        syncFolder(of: path)
    }

    /// A new file beside `path` with an unpredictable name, created exclusively (never through
    /// a link planted under that name), readable by the owner only until its mode is set.
    public static func createTemporary(beside path: String, shownAs shown: String? = nil) throws(FileError) -> (
        Int32, String
    ) {
        for _ in 0..<16 {
            let name = "\(path).tmp-\(getpid())-\(randomHex())"
            let fd = openExclusively(name)
            if fd >= 0 { return (fd, name) }
            if errno != EEXIST { break }
        }
        throw failure("cannot write", shown ?? path)
    }

    /// Creates `path` for writing, mode 0600; fails (-1, errno set) when anything has that name.
    /// O_EXCL|O_NOFOLLOW: never write through a file or symbolic link someone planted there.
    static func openExclusively(_ path: String) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }

    /// Replaces the file at `path` itself atomically, with mode `mode` whatever it had: unlike
    /// `write`, a symbolic link at `path` is replaced, not followed. For files only boxlua writes
    /// (tokens, the sandbox's JWT config), which hold secrets.
    public static func replacePrivately(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws(FileError) {
        try replace(path, with: bytes, mode: mode, forceMode: true, shownAs: path)
    }

    /// Creates the folders above `path` (mode 0700) that do not exist yet.
    public static func makeParentFolders(of path: String) throws(FileError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let folder = String(path[..<slash])
        var st = stat()
        if stat(folder, &st) == 0 { return }
        try makeParentFolders(of: folder)
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw failure("cannot create", folder) }
    }

    /// Writes all of `bytes` to `fd`, through short writes and signals.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(FileError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write", path)
            }
            written += n
        }
    }

    // MARK: details

    /// `/dev/stdout`, `/dev/stderr`, `/dev/stdin`, `/dev/fd/N`, `/proc/self/fd/N`: this process's
    /// descriptor N. Opening them anew would start at offset 0 and overwrite what was printed.
    private static func ownDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdin": return 0
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            if let n = Int32(path.dropFirst(prefix.count)), n >= 0, fcntl(n, F_GETFD) != -1 { return n }
        }
        return nil
    }

    private static func isType(_ st: stat, _ type: mode_t) -> Bool { st.st_mode & S_IFMT == type }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    private static func currentUmask() -> mode_t {
        let old = umask(0o022)
        umask(old)
        return old
    }

    /// After a rename, the folder's entry must reach the disk too (power loss).
    private static func syncFolder(of path: String) {
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private static func randomHex() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next() as UInt64, radix: 16)
    }

    static func failure(_ what: String, _ path: String) -> FileError {
        FileError(path: path, action: what, reason: String(cString: strerror(errno)))
    }
}
