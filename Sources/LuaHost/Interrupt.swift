/// Ctrl-C: stopping running Lua code safely from a signal handler, as lua.c does.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CLua
import LuaShim

/// The raw cells a signal handler may touch: plain memory, no Swift exclusivity
/// checks, no allocation, no locks.
struct InterruptSlots {
    /// The main thread of the state (nil once it is closed).
    var main: OpaquePointer?
    /// The coroutine being resumed from Swift, if any (hooks are per thread).
    var running: OpaquePointer?
    /// Set by every interrupt; cleared by ``LuaState/clearInterrupt()``.
    var pending: Int32
}

/// Owns the slots of one state.
final class InterruptCell {
    let slots: UnsafeMutablePointer<InterruptSlots>

    init(_ L: OpaquePointer) {
        slots = .allocate(capacity: 1)
        slots.initialize(to: InterruptSlots(main: L, running: nil, pending: 0))
    }

    func detach() {
        InterruptSignal.forget(slots)
        slots.pointee.main = nil
        slots.pointee.running = nil
    }

    deinit { slots.deallocate() }
}

/// Arms the "interrupted!" hook on the state's threads; async-signal-safe.
private func arm(_ slots: UnsafeMutablePointer<InterruptSlots>) {
    slots.pointee.pending = 1
    if let L = slots.pointee.main { lb_arm_interrupt(L) }
    if let L = slots.pointee.running { lb_arm_interrupt(L) }
}

extension LuaState {
    /// Stops the running Lua code at its next instruction with the error
    /// "interrupted!" (lua.c's `laction`), and marks an interrupt as pending for Swift
    /// loops that wait outside Lua (see ``interruptRequested``). Safe to call from a
    /// signal handler.
    public func interrupt() { arm(interruptCell.slots) }

    /// True after ``interrupt()`` until ``clearInterrupt()``.
    public var interruptRequested: Bool { interruptCell.slots.pointee.pending != 0 }

    /// Forgets a pending interrupt and removes the hook from the main thread (call it
    /// once the interrupted chunk has returned, before running the next one).
    public func clearInterrupt() {
        interruptCell.slots.pointee.pending = 0
        if isOpen { lb_disarm_interrupt(pointer) }
    }

    /// Runs `body` with `thread` as the thread an interrupt must also reach.
    func withRunningThread<T>(_ thread: OpaquePointer, _ body: () -> T) -> T {
        let previous = interruptCell.slots.pointee.running
        interruptCell.slots.pointee.running = thread
        defer { interruptCell.slots.pointee.running = previous }
        return body()
    }
}

/// Routing of SIGINT (and SIGTERM) to a state, the way lua.c arms SIGINT around each chunk.
public enum InterruptSignal {
    /// Where the handler delivers: slots of one state, and whether the first signal
    /// restores the default action (so a second Ctrl-C ends the process, as in lua.c).
    private struct Route {
        var slots: UnsafeMutablePointer<InterruptSlots>?
        var restoreDefaultOnSignal: Bool
    }

    nonisolated(unsafe) private static let route: UnsafeMutablePointer<Route> = {
        let p = UnsafeMutablePointer<Route>.allocate(capacity: 1)
        p.initialize(to: Route(slots: nil, restoreDefaultOnSignal: true))
        return p
    }()

    /// From now on SIGINT interrupts `state` (``LuaState/interrupt()``). With
    /// `restoreDefaultOnSignal`, the first SIGINT also restores the default action.
    public static func route(to state: LuaState, restoreDefaultOnSignal: Bool = true) {
        route.pointee = Route(
            slots: state.interruptCell.slots, restoreDefaultOnSignal: restoreDefaultOnSignal)
        signal(SIGINT, handleInterrupt)
        // SIGTERM and SIGHUP (a closed terminal) stop the chunk the same way, so a killed
        // run still ends cleanly: its summary printed, its files flushed, its changes logged.
        signal(SIGTERM, handleInterrupt)
        signal(SIGHUP, handleInterrupt)
        unblockStopSignals()
    }

    /// SIGINT gets its default action again (the process ends).
    public static func restoreDefault() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
        route.pointee.slots = nil
    }

    static func forget(_ slots: UnsafeMutablePointer<InterruptSlots>) {
        if route.pointee.slots == slots { restoreDefault() }
    }

    fileprivate static func deliver(_ sig: Int32) {
        if route.pointee.restoreDefaultOnSignal { signal(sig, SIG_DFL) }
        if let slots = route.pointee.slots { arm(slots) }
    }
}

private let handleInterrupt: @convention(c) (Int32) -> Void = { sig in
    InterruptSignal.deliver(sig)
}

/// A process may inherit a signal mask that blocks these (a parent's worker thread spawned
/// it): blocked, a hang-up or a kill would wait forever instead of stopping the run.
public func unblockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, s) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
