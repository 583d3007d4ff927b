/// The enterprise's events as the admin_logs stream serves them: the generated LOGIN events
/// (`--generate`) first, then those a seed gave or the sandbox recorded, in time order.
struct EventLog {
    let generated: GeneratedLogins?
    let recorded: [SandboxEvent]

    private var generatedCount: Int { generated?.count ?? 0 }
    var count: Int { generatedCount + recorded.count }

    func createdAt(_ i: Int) -> Int64 {
        i < generatedCount ? generated!.createdAt(i) : recorded[i - generatedCount].createdAt
    }

    func eventType(_ i: Int) -> String { i < generatedCount ? "LOGIN" : recorded[i - generatedCount].eventType }

    subscript(i: Int) -> SandboxEvent { i < generatedCount ? generated!.event(i) : recorded[i - generatedCount] }

    /// The first position whose event is at `time` or later (`count` when none is): events
    /// are kept in time order (seeds are sorted on load; recorded events never go back).
    func firstIndex(notBefore time: Int64) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if createdAt(mid) < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension SandboxState {
    var eventLog: EventLog { EventLog(generated: generatedLogins, recorded: events) }
}
