/// A boxlua REPL in a real terminal: a private tmux server driven by the tests.
import Foundation
import TestSupport

/// One tmux server (own socket) running boxlua in a 120x40 pane.
final class TmuxREPL {
    let socket = "boxlua-test-\(UUID().uuidString.prefix(8))"
    let stateHome: URL

    /// Starts `boxlua ARGS` with `XDG_STATE_HOME` set to a fresh folder (or `stateHome`), and
    /// `environment` added.
    init(_ arguments: [String] = [], stateHome: URL? = nil, environment: [String: String] = [:]) throws {
        self.stateHome = stateHome ?? temporaryDirectory("boxlua-repl")
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = (["env", "XDG_STATE_HOME=\(self.stateHome.path)"] + variables + [boxluaBinary()] + arguments)
            .map(shellQuote).joined(separator: " ")
        try startServer(["new-session", "-d", "-x", "120", "-y", "40", command + "; echo EXIT=$?; sleep 120"])
    }

    /// Starts the tmux server with posix_spawn: stdio on /dev/null and every other
    /// descriptor closed, because the server lives on and would otherwise hold this
    /// process's pipes and Foundation's process-exit sockets open (hanging whoever
    /// waits for them to close).
    private func startServer(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // bash closes every inherited descriptor above 2, then becomes tmux.
        let script = #"for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec "$@""#
        let words = ["bash", "-c", script, "bash", "tmux", "-L", socket] + arguments
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Test threads block signals; a terminal program must start with none blocked
        // (else Ctrl-C would never reach boxlua) and default actions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, environ) == 0 else {
            throw TmuxTimeout(what: "tmux could not be started", screen: "")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw TmuxTimeout(what: "tmux new-session (status \(status))", screen: "") }
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Types `text` literally (tmux would read words such as "end" as key names).
    func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

    /// Presses keys by name: "Enter", "Tab", "C-c", "C-d", "Up".
    func press(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    /// Types `line` and presses Enter.
    func enter(_ line: String) throws {
        try type(line)
        try press("Enter")
    }

    /// The visible screen.
    func screen() throws -> String { try tmux(["capture-pane", "-p"]).stdout }

    /// Polls the screen until `condition` holds; returns the screen (or throws at the deadline).
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 20, _ condition: (String) -> Bool) throws -> String {
        var last = ""
        if try recheckUntil(
            timeout: timeout,
            {
                last = try screen(); return condition(last)
            })
        {
            return last
        }
        throw TmuxTimeout(what: what, screen: last)
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 20) throws -> String {
        try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    /// Waits until the last non-empty line of the screen is exactly `prompt`.
    @discardableResult
    func waitForPrompt(_ prompt: String = "box>", timeout: TimeInterval = 20) throws -> String {
        try waitFor("prompt '\(prompt)'", timeout: timeout) { screen in
            screen.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } == prompt
        }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> ProcessResult {
        let result = try run("/usr/bin/env", ["tmux", "-L", socket] + arguments, timeout: 20)
        if result.status != 0 && arguments.first != "kill-server" {
            throw TmuxTimeout(what: "tmux \(arguments.first ?? "") failed", screen: result.stderr)
        }
        return result
    }
}

struct TmuxTimeout: Error, CustomStringConvertible {
    let what: String
    let screen: String
    var description: String { "timed out waiting for \(what); screen:\n\(screen)" }
}

private func shellQuote(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
