/// A listening TCP socket on 127.0.0.1: the set-up that the sandbox's server and `boxlua login`'s
/// redirect listener share.
#if canImport(Glibc)
    import Glibc
#endif

/// Why a loopback socket could not be made: which step failed and the system's reason.
public struct LoopbackSocketError: Error, Sendable {
    public enum Step: Sendable { case socket, listen }
    public let step: Step
    public let reason: String
}

public enum LoopbackSocket {
    /// A socket listening on 127.0.0.1:`port` (0: a free port), SO_REUSEADDR so that a restart
    /// does not wait out TIME_WAIT, and close-on-exec so that no child process inherits it.
    public static func listen(port: UInt16, backlog: Int32) throws(LoopbackSocketError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketError(step: .socket, reason: String(cString: strerror(errno))) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw LoopbackSocketError(step: .listen, reason: reason)
        }
        return fd
    }
}
