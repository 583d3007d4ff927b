/// An append-only JSON Lines file: each record reaches the kernel with one write(2), so a
/// crash or SIGKILL after `append` returns never loses it.
#if canImport(Glibc)
    import Glibc
#endif
import Files
import JSON

public final class JSONLinesFile {
    public let path: String
    private var fd: Int32
    /// fsync(2) after every record: for the journal, whose `sent` must survive a power loss.
    public var syncEachRecord = false

    /// Opens (creating with `mode`, and its folder) for appending.
    public init(appendingTo path: String, mode: mode_t = 0o600) throws {
        self.path = path
        try Self.makeParentDirectory(of: path)
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        if fd < 0 { throw PlanError("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    /// Takes the file's exclusive lock (flock) without waiting; false when another process
    /// holds it. The kernel drops it when this process ends, however it ends.
    public func tryLock() throws -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw PlanError("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
        return true
    }

    deinit { close() }

    public func append(_ record: JSON) throws {
        guard fd >= 0 else { throw PlanError("\(path) is closed") }
        let bytes = record.serializedBytes() + [0x0A]
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PlanError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        if syncEachRecord && fsync(fd) != 0 && errno != EINVAL {
            throw PlanError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Forces the records to disk (power loss, not just a crash).
    public func sync() {
        if fd >= 0 { fsync(fd) }
    }

    public func close() {
        if fd >= 0 {
            fsync(fd)
            Glibc.close(fd)
            fd = -1
        }
    }

    /// Every record of an existing file; a torn last line (a crash mid-write) is ignored.
    public static func read(_ path: String) throws -> [JSON] {
        guard let text = try? readText(path) else { return [] }
        var out: [JSON] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            if let v = try? JSON.parse(String(line)) { out.append(v) }
        }
        return out
    }

    public static func readText(_ path: String) throws -> String {
        do { return String(decoding: try Files.readAll(path), as: UTF8.self) } catch {
            throw PlanError("cannot read \(path): \(error.reason)")
        }
    }

    static func makeParentDirectory(of path: String) throws {
        do { try Files.makeParentFolders(of: path) } catch { throw PlanError(error.description) }
    }
}

/// Writes a plan (or any file a user names) by the rules of `Files.write`: a regular file is
/// replaced atomically through a new, unpredictably named temporary file (so nothing planted
/// beside it is written through), a symbolic link is kept; the mode is always `mode`.
public func writeFileAtomically(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    do {
        try Files.makeParentFolders(of: path)
        try Files.write(Array(text.utf8), to: path, mode: mode, forceMode: true)
    } catch { throw PlanError(error.description) }
}

/// Fails now, with the reason, when a file could not be written at `path` later (its folder
/// missing and not creatable, not writable, or `path` a folder): checked before a dry run
/// so `--plan` to a bad place costs no Box call.
public func checkFileCanBeWritten(_ path: String) throws {
    var st = stat()
    if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
        throw PlanError("cannot write \(path): it is a folder")
    }
    guard case .replace(let target) = Files.target(of: path) else { return }
    do {
        try Files.makeParentFolders(of: target)
        let (fd, tmp) = try Files.createTemporary(beside: target, shownAs: path)
        Glibc.close(fd)
        unlink(tmp)
    } catch { throw PlanError(error.description) }
}
