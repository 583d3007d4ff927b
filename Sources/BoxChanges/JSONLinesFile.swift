/// An append-only JSON Lines file: each record reaches the kernel with one write(2), so a
/// crash or SIGKILL after `append` returns never loses it.
#if canImport(Glibc)
import Glibc
#endif
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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw PlanError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &buf, buf.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw PlanError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func makeParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let dir = String(path[..<slash])
        var st = stat()
        if stat(dir, &st) == 0 { return }
        try makeParentDirectory(of: dir)
        if mkdir(dir, 0o700) != 0 && errno != EEXIST {
            throw PlanError("cannot create \(dir): \(String(cString: strerror(errno)))")
        }
    }
}

/// Writes `text` to `path` atomically: a new temporary file beside it (a random name opened
/// with O_EXCL | O_NOFOLLOW, so a file or symlink planted there is never written through),
/// then rename(2), which replaces `path` itself, never what a symlink there points to.
public func writeFileAtomically(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    try JSONLinesFile.makeParentDirectory(of: path)
    let (fd, tmp) = try createUniqueFile(beside: path, mode: mode)
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            let msg = String(cString: strerror(errno))
            Glibc.close(fd)
            unlink(tmp)
            throw PlanError("cannot write \(path): \(msg)")
        }
        written += n
    }
    fchmod(fd, mode)
    if fsync(fd) != 0 {
        let msg = String(cString: strerror(errno))
        Glibc.close(fd)
        unlink(tmp)
        throw PlanError("cannot write \(path): \(msg)")
    }
    Glibc.close(fd)
    if rename(tmp, path) != 0 {
        let msg = String(cString: strerror(errno))
        unlink(tmp)
        throw PlanError("cannot write \(path): \(msg)")
    }
}

/// Fails now, with the reason, when a file could not be written at `path` later (its folder
/// missing and not creatable, not writable, or `path` a folder): checked before a dry run
/// so `--plan` to a bad place costs no Box call.
public func checkFileCanBeWritten(_ path: String) throws {
    var st = stat()
    if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
        throw PlanError("cannot write \(path): it is a folder")
    }
    try JSONLinesFile.makeParentDirectory(of: path)
    let (fd, tmp) = try createUniqueFile(beside: path, mode: 0o600)
    Glibc.close(fd)
    unlink(tmp)
}

/// `PATH.tmp-XXXXXXXX`, created new (O_EXCL | O_NOFOLLOW) with a random suffix, like mkstemp.
private func createUniqueFile(beside path: String, mode: mode_t) throws -> (Int32, String) {
    let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    for _ in 0..<100 {
        var rng = SystemRandomNumberGenerator()
        let suffix = String((0..<12).map { _ in letters[Int(rng.next() % UInt64(letters.count))] })
        let tmp = path + ".tmp-" + suffix
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        if fd >= 0 { return (fd, tmp) }
        if errno != EEXIST { throw PlanError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }
    throw PlanError("cannot write \(path): no free temporary name beside it")
}
