/// Whole-file reads and atomic writes (temp file + fsync + rename) over POSIX, without Foundation.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum FileIO {
    /// Every byte of the file at `path`.
    static func readAll(path: String) throws(CSVError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot open") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot read")
            }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Replaces `path` with `bytes` so that a reader sees the old file or the new one, never half.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CSVError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(path, "cannot write") }
        do throws(CSVError) {
            try writeAll(bytes, to: fd, path: path)
            guard fsync(fd) == 0 else { throw failure(path, "cannot write") }
            guard close(fd) == 0 else { throw failure(path, "cannot write") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure(path, "cannot replace")
            unlink(temporary)
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(CSVError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot write")
            }
            written += n
        }
    }

    /// An error for `path` carrying the system's reason (`errno`).
    private static func failure(_ path: String, _ what: String) -> CSVError {
        CSVError(file: path, line: 0, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
