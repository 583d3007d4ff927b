/// `boxlua sandbox` as an admin runs it: the four lines, serving curl-style requests,
/// SIGTERM to a clean exit with --save, bad options; and the response capture file.
import Foundation
import JSON
import TestSupport
import Testing

@testable import BoxSandbox

/// Starts `boxlua sandbox ARGS` and reads its four lines.
private final class RunningSandbox {
    let process = Process()
    let lines: [String]
    private let out = Pipe()

    init(_ args: [String], state: URL) throws {
        process.executableURL = URL(fileURLWithPath: boxluaBinary())
        process.arguments = ["sandbox"] + args
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = state.path
        process.environment = env
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let handle = out.fileHandleForReading
        while text.components(separatedBy: "\n").count < 5 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        lines = text.components(separatedBy: "\n").filter { !$0.isEmpty }
    }

    /// SIGTERM (or `signal`), then the exit status and anything printed after the four lines.
    func stop(signal: Int32 = SIGTERM) -> (Int32, String) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, rest)
    }
}

@Suite(.serialized) struct CommandTests {
    @Test func printsFourLinesServesAndSavesOnSIGTERM() throws {
        let dir = temporaryDirectoryURL()
        let save = dir.appendingPathComponent("saved.json")
        let s = try RunningSandbox(["--port", "0", "--save", save.path, "--faults", "latency_ms=1"], state: dir)
        try #require(s.lines.count == 4, "\(s.lines)")
        #expect(s.lines[0].hasPrefix("listening http://127.0.0.1:"))
        let base = String(s.lines[0].dropFirst("listening ".count))
        #expect(s.lines[1].hasPrefix("export BOX_BASE_URL=\(base) BOX_ACCESS_TOKEN="))
        #expect(
            s.lines[2].hasPrefix("BOX_CLIENT_ID=") && s.lines[2].contains(" BOX_CLIENT_SECRET=")
                && s.lines[2].contains(" BOX_ENTERPRISE_ID=920512"))
        let jwtPath = dir.appendingPathComponent("boxlua/sandbox/jwt-config.json").path
        #expect(s.lines[3] == "BOX_JWT_CONFIG=\(jwtPath)")
        let token = String(s.lines[1].split(separator: "=").last ?? "")
        let port = UInt16(URL(string: base)?.port ?? 0)
        let created = try http(
            "POST", port, "/2.0/users",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
            body: Array(#"{"name":"Kept","login":"kept@northwind.example"}"#.utf8))
        #expect(created.status == 201)
        let (status, rest) = s.stop()
        #expect(status == 0 && rest.isEmpty)
        let saved = try SandboxSeed.load(from: save)
        #expect(saved.users.contains { $0.login == "kept@northwind.example" })

        // A second start reuses the JWT config and loads the saved state; Ctrl-C stops it with 0.
        let before = try String(contentsOfFile: jwtPath, encoding: .utf8)
        let again = try RunningSandbox(["--seed", save.path], state: dir)
        #expect(again.lines.count == 4)
        #expect(again.stop(signal: SIGINT).0 == 0)
        #expect(try String(contentsOfFile: jwtPath, encoding: .utf8) == before)
    }

    @Test func jwtConfigOptionPicksTheFile() throws {
        let dir = temporaryDirectoryURL()
        let path = dir.appendingPathComponent("keys/app-config.json").path
        let s = try RunningSandbox(["--jwt-config", path], state: dir)
        #expect(s.lines.last == "BOX_JWT_CONFIG=\(path)")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(s.stop().0 == 0)
    }

    @Test(arguments: [
        (["--port", "http"], "--port"), (["--bogus"], "unknown option '--bogus'"),
        (["--faults", "nope=1"], "unknown fault 'nope'"),
        (["--seed", "/no/such/seed.json"], "/no/such/seed.json"), (["--port"], "--port needs a value"),
    ])
    func badOptionsExitWith2AndOneClearLine(args: [String], words: String) throws {
        let r = try boxlua(
            ["sandbox"] + args, environment: ["XDG_STATE_HOME": temporaryDirectoryURL().path], timeout: 30)
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && r.stderr.contains(words), "\(r.stderr)")
    }

    @Test func captureWritesOneJSONLinePerResponseWithoutTokens() throws {
        let file = temporaryDirectoryURL().appendingPathComponent("capture.jsonl")
        let log = CaptureLog(path: file.path)
        log.append(
            method: "GET", route: "/2.0/users/{user_id}", query: ["fields": "id"], status: 200,
            contentType: "application/json", body: Array("{\"id\":\"1\"}".utf8))
        log.append(
            method: "POST", route: "/oauth2/token", query: [:], status: 200, contentType: "application/json",
            body: Array("{\"access_token\":\"secret\",\"expires_in\":3600}".utf8))
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
            try JSON.parse(String($0))
        }
        #expect(lines.count == 2)
        #expect(
            lines[0]["route"] == "/2.0/users/{user_id}" && lines[0]["status"] == 200
                && lines[0]["body"] == "{\"id\":\"1\"}")
        #expect(lines[1]["body"]?.stringValue?.contains("secret") == false)
    }
}
