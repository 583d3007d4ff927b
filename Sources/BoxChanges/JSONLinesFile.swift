/// An append-only JSON Lines file: each record reaches the kernel with one write(2), so a
/// crash or SIGKILL after `append` returns never loses it.
#if canImport(Glibc)
import Glibc
#endif
import JSON

public final class JSONLinesFile {
    public let path: String
    private var fd: Int32

    /// Opens (creating with `mode`, and its folder) for appending.
    public init(appendingTo path: String, mode: mode_t = 0o600) throws {
        self.path = path
        try Self.makeParentDirectory(of: path)
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        if fd < 0 { throw PlanError("cannot open \(path): \(String(cString: strerror(errno)))") }
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

/// Writes `text` to `path` atomically: a temporary file beside it, then rename(2).
public func writeFileAtomically(_ text: String, to path: String, mode: mode_t = 0o644) throws {
    try JSONLinesFile.makeParentDirectory(of: path)
    let tmp = path + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    if fd < 0 { throw PlanError("cannot write \(path): \(String(cString: strerror(errno)))") }
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
    fsync(fd)
    Glibc.close(fd)
    if rename(tmp, path) != 0 {
        let msg = String(cString: strerror(errno))
        unlink(tmp)
        throw PlanError("cannot write \(path): \(msg)")
    }
}
