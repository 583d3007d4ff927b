/// What feeds the progress line during a run: the client's pages (a listing past its third
/// page), the engine's turns (redraws and 429 pauses), and the lines the client and the
/// script write, which go above the line.
import BoxClient
import LuaHost
import TerminalProgress

/// The listings under way, with a task on the line for each one past its third page.
final class ListingProgress {
    /// A listing shows progress from its fourth page on: shorter ones are not long work.
    static let pagesBeforeShown = 3

    private struct Listing {
        weak var pager: AnyObject?
        var entries = 0
        var task: ProgressTask?
        /// The loop ended (`break`): a page read ahead that arrives later starts no task.
        var closed = false
    }

    private let line: ProgressLine
    private var listings: [ObjectIdentifier: Listing] = [:]

    init(line: ProgressLine) { self.line = line }

    /// A page of `pager` arrived (nil: the listing ended on an empty page).
    func received(_ page: BoxPage?, from pager: BoxPager) {
        dropForgotten()
        let id = ObjectIdentifier(pager)
        var listing = listings[id] ?? Listing(pager: pager)
        if listing.closed {
            if pager.isFinished { listings[id] = nil }
            return
        }
        listing.entries += page?.entryCount ?? 0
        if pager.isFinished {
            listing.task?.end()
            listings[id] = nil
            return
        }
        let total = page?.fields["total_count"]?.intValue.map { Int($0) }
        if listing.task == nil && pager.pagesFetched >= Self.pagesBeforeShown {
            listing.task = line.begin("listing \(Self.name(of: pager.request))", total: total)
        }
        listing.task?.update(done: listing.entries, total: total)
        listings[id] = listing
    }

    /// The loop over the listing ended before its last page (`break`, an error).
    func ended(_ pager: any PageSource) {
        let id = ObjectIdentifier(pager)
        listings[id]?.task?.end()
        listings[id] = Listing(pager: pager, closed: true)
    }

    /// Ends the tasks of listings whose pager is gone (an iterator dropped mid-way).
    private func dropForgotten() {
        for (id, listing) in listings where listing.pager == nil {
            listing.task?.end()
            listings[id] = nil
        }
    }

    /// `users` for /2.0/users, `memberships` for /2.0/users/42/memberships.
    static func name(of request: BoxRequest) -> String {
        String(request.path.split(separator: "/").last ?? "entries")
    }
}

extension BoxClient {
    /// Redraws `line` on each engine turn, with the time left of a 429 pause, and prints the
    /// client's warning and trace lines above it.
    public func reportProgress(on line: ProgressLine) {
        // The engine pauses only for a 429's Retry-After (HTTPEngine.pause).
        engine.onTurn = { [unowned engine] in line.tick(pausedFor: max(0, engine.pausedUntil - engine.clock.now)) }
        warn = { line.printAbove($0) }
        if trace != nil { trace = { line.printAbove("[http] \($0.line)") } }
    }
}

extension BoxRuntime {
    /// Puts the client's long work on `line`: listings past their third page, and the rest
    /// of ``BoxClient/reportProgress(on:)``.
    func showProgress(of client: BoxClient, on line: ProgressLine) {
        let listings = ListingProgress(line: line)
        listingProgress = listings
        client.pageObserver = { pager, page in listings.received(page, from: pager) }
        client.reportProgress(on: line)
    }

    /// With the line on, print and writes to stdout or stderr erase it first (progress.lua).
    func installProgressOutput(into state: LuaState) throws {
        guard let line = progress, line.isEnabled else { return }
        try state.register("_progress_clear", in: "box") { _ in
            line.clear()
            return .none
        }
        try EmbeddedLua.progress.run(in: state)
    }
}
