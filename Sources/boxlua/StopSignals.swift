/// Ctrl-C and SIGTERM for commands that run outside Lua (apply, sandbox): the handler only
/// sets a flag that the command's loop checks between steps.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

enum StopSignals {
    nonisolated(unsafe) private static let flag: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    static var requested: Bool { flag.pointee != 0 }

    static func install() {
        _ = flag
        signal(SIGINT, stopSignalHandler)
        signal(SIGTERM, stopSignalHandler)
    }

    static func restore() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    fileprivate static func raise() { flag.pointee = 1 }
}

private let stopSignalHandler: @convention(c) (Int32) -> Void = { _ in StopSignals.raise() }
