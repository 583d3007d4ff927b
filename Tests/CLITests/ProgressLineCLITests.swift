/// The progress line of the real binary (issue 17, part 4): on a terminal, long work shows one
/// line on stderr, redrawn in place and erased when done, with the other stderr lines whole
/// above it; with stderr a pipe, with --quiet, or between REPL statements, none at all.
///
/// The sandbox's latency makes the work long (a request takes at least `latency_ms`); the
/// tests wait for the process to end, never for a time.
import BoxSandbox
import Foundation
import TestSupport
import Testing

private let escape = "\u{1B}["
private let maria = "30000000007 (maria.morgan@northwind.example)"

/// A listing of 31 pages, a log line in the middle, then box.parallel with four dry-run updates.
private let longWork = """
    local n = 0
    for u in box.users.list{page_size = 10} do
      n = n + 1
      if n == 150 then log.info('half way') end
    end
    print(n)
    local items = {}
    for i = 1, 24 do items[i] = i end
    box.parallel(items, function(i)
      if i % 6 == 0 then box.users.update('30000000007', {status = 'inactive'}) end
      return box.users.me()
    end, {workers = 2})
    """

extension DemoSandbox {
    func onTerminal(_ args: [String]) throws -> TerminalResult {
        try runOnTerminal(boxluaBinary(), args, environment: processEnvironment, directory: home.path)
    }
}

@Suite(.serialized) struct ProgressLineOnATerminal {
    @Test func longWorkShowsOneLineErasedWhenDoneWithOtherLinesWholeAboveIt() throws {
        let s = try DemoSandbox(faults: "latency_ms=50")
        let r = try s.onTerminal(["--dry-run", "-e", longWork])
        #expect(r.status == 0, "\(r.terminal)")
        #expect(r.stdout == "309\n", "progress never goes to stdout")
        // Drawn in place: from column 0, erasing what was after it.
        #expect(r.terminal.contains("\rlisting users: "), "\(r.terminal.debugDescription)")
        #expect(r.terminal.contains("\rbox.parallel: "), "\(r.terminal.debugDescription)")
        #expect(r.terminal.contains(escape + "K"))
        // Erased at the end: the screen holds only the stderr lines, each whole.
        let screen = r.screen.filter { !$0.isEmpty }
        #expect(!screen.contains { $0.contains("listing users:") || $0.contains("box.parallel:") }, "\(screen)")
        #expect(screen.count == 7, "\(screen)")
        #expect(
            screen[0].range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO half way$"#, options: .regularExpression) != nil
        )
        #expect(screen[1...4].allSatisfy { $0.hasPrefix("[dry-run] users.update \(maria)") }, "\(screen)")
        #expect(screen[5] == "[dry-run] 4 changes: 4 users.update")
        #expect(screen.last == "[dry-run] nothing was sent")
        // No line was written into: every dry-run line in the stream runs whole to its line end.
        let parts = r.terminal.components(separatedBy: "[dry-run] users.update ")
        #expect(parts.count == 5)
        let rests = parts.dropFirst().map { $0.components(separatedBy: "\r\n")[0] }
        #expect(rests.allSatisfy { $0.hasPrefix(maria) && !$0.contains("\r") && !$0.contains("\u{1B}") }, "\(rests)")
    }

    @Test func aListingLeftByBreakLeavesTheLine() throws {
        let s = try DemoSandbox(faults: "latency_ms=50")
        let r = try s.onTerminal([
            "-e",
            """
            local n = 0
            for u in box.users.list{page_size = 10} do
              n = n + 1
              if n == 100 then break end
            end
            local t = {}
            for i = 1, 24 do t[i] = i end
            box.parallel(t, function() return box.users.me() end, {workers = 2})
            """,
        ])
        #expect(r.status == 0, "\(r.terminal)")
        #expect(r.terminal.contains("\rbox.parallel: "), "\(r.terminal.debugDescription)")
        #expect(!r.terminal.contains("more)"), "\(r.terminal.debugDescription)")
        #expect(r.screen.allSatisfy { $0.isEmpty }, "\(r.screen)")
    }

    @Test func applyShowsItsProgressAboveItsPerChangeLines() throws {
        let s = try DemoSandbox(faults: "latency_ms=60")
        let plan = s.home.appendingPathComponent("leavers.plan").path
        let made = try s.boxlua([
            "--plan", plan, "-e",
            """
            local n = 0
            for u in box.users.list{fields = {'status', 'role'}} do
              if n < 20 and u.status == 'active' and u.role == 'user' then
                n = n + 1
                box.users.update(u.id, {status = 'inactive'})
              end
            end
            """,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let r = try s.onTerminal(["apply", plan])
        #expect(r.status == 0, "\(r.terminal)")
        #expect(r.terminal.contains("\rapply \(plan): "), "\(r.terminal.debugDescription)")
        let screen = r.screen.filter { !$0.isEmpty }
        #expect(screen.count == 21, "\(screen)")
        let perChange = #"^\[\d+/20\] users\.update \d+ \([a-z.]+@northwind\.example\): ok \(200\)$"#
        #expect(
            screen.dropLast().allSatisfy { $0.range(of: perChange, options: .regularExpression) != nil }, "\(screen)")
        #expect(screen.last?.hasPrefix("applied \(plan): ") == true)
    }

    @Test func aRateLimitPauseIsShown() throws {
        let s = try DemoSandbox(faults: "rate_limit_every=9,retry_after=2,latency_ms=20")
        let r = try s.onTerminal([
            "-e", "local t = {} for i = 1, 30 do t[i] = i end box.parallel(t, function() return box.users.me() end)",
        ])
        #expect(r.status == 0, "\(r.terminal)")
        #expect(r.terminal.contains("paused for 429 ("), "\(r.terminal.debugDescription)")
        #expect(r.screen.allSatisfy { $0.isEmpty }, "\(r.screen)")
    }

    @Test func noProgressBytesWhenStderrIsAPipeOrWithQuiet() throws {
        let s = try DemoSandbox(faults: "latency_ms=50")
        let piped = try s.boxlua(["--dry-run", "-e", longWork])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stderr.contains("\r") && !piped.stderr.contains(escape), "\(piped.stderr.debugDescription)")
        #expect(piped.stderr.components(separatedBy: "\n").count == 8, "\(piped.stderr)")
        let quiet = try s.onTerminal(["--dry-run", "--quiet", "-e", longWork])
        #expect(quiet.status == 0, "\(quiet.terminal)")
        #expect(!quiet.terminal.contains(escape), "\(quiet.terminal.debugDescription)")
        #expect(!quiet.terminal.contains("listing users") && !quiet.terminal.contains("box.parallel:"))
        // The pty turns each \n into \r\n; no other \r is written.
        #expect(!quiet.terminal.replacingOccurrences(of: "\r\n", with: "\n").contains("\r"))
    }

    @Test func noLineBetweenREPLStatements() throws {
        let s = try DemoSandbox(faults: "latency_ms=80")
        // An iterator left unfinished: its listing never ends, but the statement does, and the
        // prompt after it must not land on the line. (Read plainly from a pipe, the input is
        // not echoed, so the line is drawn over the prompt the statement was read at.)
        // stdout goes to the same terminal (the shell's 1>&2), as in an admin's session.
        let r = try runOnTerminal(
            "/bin/sh", ["-c", "exec \"$0\" -i 1>&2", boxluaBinary()],
            stdin: "it = box.users.list{page_size = 10}\nfor i = 1, 120 do it() end\n",
            environment: s.processEnvironment, directory: s.home.path)
        #expect(r.status == 0, "\(r.terminal)")
        #expect(r.terminal.contains("\rlisting users: "), "\(r.terminal.debugDescription)")
        #expect(r.screen.filter { !$0.isEmpty } == ["box> "], "\(r.screen)")
    }
}
