/// Ctrl-C, SIGTERM and SIGHUP (a closed terminal or ssh session) for commands that run
/// outside Lua (apply, sandbox): the handler only counts, and the command's loop checks the
/// count between steps.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import LuaHost

enum StopSignals {
    nonisolated(unsafe) private static let counter: UnsafeMutablePointer<sig_atomic_t> = {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    static let handled = [SIGINT, SIGTERM, SIGHUP]

    static var requested: Bool { counter.pointee != 0 }
    /// How many stop signals arrived.
    static var count: Int { Int(counter.pointee) }

    static func install() {
        _ = counter
        for s in handled { signal(s, stopSignalHandler) }
        unblockStopSignals()
    }

    static func restore() {
        for s in handled { signal(s, SIG_DFL) }
    }

    fileprivate static func raise() { counter.pointee += 1 }
}

private let stopSignalHandler: @convention(c) (Int32) -> Void = { _ in StopSignals.raise() }
