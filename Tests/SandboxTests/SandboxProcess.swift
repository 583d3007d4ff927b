/// `boxlua sandbox` as a child process, for the tests that need the server in a process of
/// its own: a lowered descriptor limit, or its peak memory read from /proc.
import Foundation
import TestSupport

final class SandboxProcess {
    let process = Process()
    let port: UInt16
    let token: String
    private let home: URL

    /// Starts `boxlua sandbox --port 0`; with `maxOpenFiles`, under `ulimit -n` of that many.
    init(maxOpenFiles: Int? = nil) throws {
        home = temporaryDirectory("boxlua-sandbox-process")
        let jwt = home.appendingPathComponent("jwt-config.json").path
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // exec keeps the pid: /proc/PID is the sandbox's own.
        let limit = maxOpenFiles.map { "ulimit -n \($0) && " } ?? ""
        process.arguments = [
            "-c", "\(limit)exec \"$0\" \"$@\"", boxluaBinary(), "sandbox", "--port", "0", "--jwt-config", jwt,
        ]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path
        env["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        // The first two lines: "listening URL" and "export BOX_BASE_URL=... BOX_ACCESS_TOKEN=...".
        var text = ""
        while text.filter({ $0 == "\n" }).count < 2 {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let lines = text.split(separator: "\n")
        guard lines.count >= 2, let portText = lines[0].split(separator: ":").last, let p = UInt16(portText),
            let t = lines[1].split(separator: " ").first(where: { $0.hasPrefix("BOX_ACCESS_TOKEN=") })
        else {
            process.terminate()
            throw TestClientError(description: "boxlua sandbox did not start: \(text)")
        }
        port = p
        token = String(t.dropFirst("BOX_ACCESS_TOKEN=".count))
    }

    deinit {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: home)
    }

    var pid: Int32 { process.processIdentifier }

    /// How many descriptors the sandbox has open.
    var openFileCount: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    /// The peak resident set size so far (VmHWM), in bytes.
    var peakResidentBytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }

    /// `GET /2.0/users/me` with the admin's token, on a fresh connection.
    func me() throws -> TestResponse {
        try http("GET", port, "/2.0/users/me", headers: [("Authorization", "Bearer \(token)")])
    }
}

/// Waits until `condition` holds, checking often, for at most `seconds`; returns whether it held.
func waitUntil(seconds: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
    // Files and /proc counts announce nothing: re-check them (TestSupport's one helper for that).
    recheckUntil(timeout: seconds, condition)
}
