/// The one place tests re-check a condition that nothing announces.
#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Re-checks `condition` until it holds (true) or `timeout` seconds pass (false).
///
/// Only for conditions no one signals: the text of a tmux pane, which only
/// `tmux capture-pane` can read. Everything that can be waited on directly is: a child's
/// exit (its termination handler), the sandbox's requests and connections
/// (`Sandbox.waitForRequests`, `waitUntilNoOpenConnections`). Between checks it blocks in
/// poll() with no descriptors for a few milliseconds, so a slow machine only makes
/// it check less often; the deadline is generous and never asserted on.
public func recheckUntil(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        _ = poll(nil, 0, 20)
    }
}
