/// One progress line at the bottom of a terminal for long work: redrawn in place at most a few
/// times a second, erased when the work is done, with every other stderr line printed above it.
///
/// It knows nothing of Box or Lua: callers begin tasks, report how far they are, and call
/// `tick` from their event loop; the clock, not a sleep, limits the redraws.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The line and the tasks it reports. All methods may be called from any thread.
public final class ProgressLine: @unchecked Sendable {
    /// The process's stderr: the one writer every stderr line of boxlua goes through.
    public static let standardError = ProgressLine()

    /// Off (the default), nothing is drawn and `printAbove` writes plain lines: set it only
    /// when the output is a terminal and progress is wanted (not `--quiet`).
    public var isEnabled: Bool {
        get { locked { enabled } }
        set { locked { enabled = newValue } }
    }

    /// Seconds between two redraws at least.
    public let redrawInterval: Double
    /// A task is drawn only once it is this old, so short work never flashes a line.
    public let showAfter: Double

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let write: ([UInt8]) -> Void
    private let columns: () -> Int
    private let clock: () -> Double
    private var enabled = false
    private var tasks: [ProgressTask] = []
    /// The text on the screen now, nil when the line is not there.
    private var shown: String?
    private var lastDraw = -Double.infinity
    private var pauseLeft: Double = 0

    /// `write` gets the bytes for the terminal; `columns` its width; `clock` monotonic seconds.
    public init(
        redrawInterval: Double = 0.25, showAfter: Double = 0.3,
        write: @escaping ([UInt8]) -> Void = writeStandardError,
        columns: @escaping () -> Int = standardErrorColumns,
        clock: @escaping () -> Double = monotonicSeconds
    ) {
        self.redrawInterval = redrawInterval
        self.showAfter = showAfter
        self.write = write
        self.columns = columns
        self.clock = clock
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Starts a task titled `title` ("box.parallel", "listing users") of `total` steps, when known.
    public func begin(_ title: String, total: Int? = nil) -> ProgressTask {
        let task = ProgressTask(line: self, title: title, total: total, now: clock())
        locked { tasks.append(task) }
        return task
    }

    /// Redraws the line if it is due: call it from the event loop. `pausedFor` is how long
    /// every call still waits for a 429's Retry-After (0 when there is no such pause).
    public func tick(pausedFor: Double = 0) {
        locked {
            pauseLeft = pausedFor
            guard enabled else { return }
            let now = clock()
            guard now - lastDraw >= redrawInterval, let task = tasks.first(where: { now - $0.started >= showAfter })
            else { return }
            let text = fitted(task.text(now: now, pausedFor: pauseLeft, others: tasks.count - 1))
            lastDraw = now
            guard text != shown else { return }
            shown = text
            write(Array(("\r" + text + Self.clearToEnd).utf8))
        }
    }

    /// Writes `line` and a newline on stderr above the progress line, which is redrawn
    /// below it in the same write: the line is never written into, never torn.
    public func printAbove(_ line: String) {
        locked {
            guard let text = shown else { return write(Array((line + "\n").utf8)) }
            write(Array(("\r" + Self.clearToEnd + line + "\n" + text + Self.clearToEnd).utf8))
        }
    }

    /// Erases the line (before other output reaches the terminal); the next due tick redraws it.
    public func clear() {
        locked { erase() }
    }

    /// Ends every task and erases the line (the run is over, or the REPL is back at its prompt).
    public func endAll() {
        locked {
            tasks.removeAll()
            erase()
        }
    }

    func end(_ task: ProgressTask) {
        locked {
            tasks.removeAll { $0 === task }
            if tasks.allSatisfy({ clock() - $0.started < showAfter }) { erase() }
        }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    private func erase() {
        guard shown != nil else { return }
        shown = nil
        write(Array(("\r" + Self.clearToEnd).utf8))
    }

    /// Cut to the terminal's width less one column: a line that wrapped could not be erased by `\r`.
    private func fitted(_ text: String) -> String {
        let width = max(columns() - 1, 10)
        return text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// ANSI "erase to end of line".
    static let clearToEnd = "\u{1B}[K"
}

/// One piece of long work on the line: how far it is, and its recent rate.
public final class ProgressTask: @unchecked Sendable {
    let title: String
    let started: Double
    private unowned let line: ProgressLine
    private var total: Int?
    private var done = 0
    /// (time, done) over the last `rateWindow` seconds: the rate follows pauses and speed-ups.
    private var samples: [(time: Double, done: Int)]
    static let rateWindow = 10.0

    init(line: ProgressLine, title: String, total: Int?, now: Double) {
        self.line = line
        self.title = title
        self.total = total
        self.started = now
        samples = [(now, 0)]
    }

    /// Sets how many steps are done (and the total, when it became known).
    public func update(done: Int, total: Int? = nil) {
        line.locked {
            self.done = done
            if let total { self.total = total }
            let now = line.now
            samples.append((now, done))
            while samples.count > 2 && samples[1].time <= now - Self.rateWindow { samples.removeFirst() }
        }
    }

    /// One more step done.
    public func advance() {
        update(done: line.locked { done } + 1)
    }

    /// The work is over: the task leaves the line (erased when no other task is left).
    public func end() { line.end(self) }

    /// `box.parallel: 120/500, 35/s, 11 s left, paused for 429 (12 s)`.
    func text(now: Double, pausedFor: Double, others: Int) -> String {
        var parts = [total.map { "\(done)/\($0)" } ?? "\(done)"]
        let first = samples[0]
        let rate = now - first.time >= 0.5 ? Double(done - first.done) / (now - first.time) : nil
        if let rate { parts.append(formatRate(rate)) }
        if let total, let rate, rate > 0, total > done {
            parts.append(formatDuration(Double(total - done) / rate) + " left")
        }
        if pausedFor > 0 { parts.append("paused for 429 (\(formatDuration(pausedFor)))") }
        return "\(title): " + parts.joined(separator: ", ") + (others > 0 ? " (+\(others) more)" : "")
    }
}

extension ProgressLine {
    var now: Double { clock() }
}

/// `35/s`, `3.5/s`, `0.2/s`.
func formatRate(_ rate: Double) -> String {
    rate >= 10 ? "\(Int(rate.rounded()))/s" : "\(Double(Int((rate * 10).rounded())) / 10)/s"
}

/// `12 s`, `3 min 5 s`, `2 h 10 min`, rounded up to whole seconds.
func formatDuration(_ seconds: Double) -> String {
    let s = Int(min(seconds, 359_999).rounded(.up))
    if s < 60 { return "\(s) s" }
    if s < 3600 { return "\(s / 60) min \(s % 60) s" }
    return "\(s / 3600) h \(s % 3600 / 60) min"
}

/// Writes all of `bytes` to fd 2 (retrying short writes and EINTR).
public func writeStandardError(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(2, base + offset, buffer.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

/// The terminal's width on fd 2 (80 when it cannot be told).
public func standardErrorColumns() -> Int {
    var size = winsize()
    guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
}

/// CLOCK_MONOTONIC in seconds.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Whether a progress line belongs on fd 2: a terminal that understands `ESC[K`.
public func standardErrorIsATerminal(environment: [String: String]) -> Bool {
    isatty(2) != 0 && environment["TERM"] != "dumb"
}

/// The same for the process's own environment, read without copying it (every start asks).
public func standardErrorIsATerminal() -> Bool {
    guard isatty(2) != 0 else { return false }
    guard let term = getenv("TERM") else { return true }
    return String(cString: term) != "dumb"
}
