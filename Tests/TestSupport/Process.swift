/// Runs the built `boxlua` binary (or any program) as a child process and captures
/// its output, the way an admin's shell would.
import Foundation

public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var output: String { stdout + stderr }
}

/// The built binary: `$BOXLUA_BIN` when scripts/test sets it, else the debug build
/// beside this package.
public func boxluaBinary() -> String {
    if let p = ProcessInfo.processInfo.environment["BOXLUA_BIN"], !p.isEmpty { return p }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/boxlua").path
}

/// The package's root folder (for fixtures under Tests/ and scripts/examples/).
public func packageRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

/// Runs `executable` with `arguments`, feeding `stdin` and adding `environment` to a
/// copy of this process's environment (a nil value removes a variable).
public func run(
    _ executable: String, _ arguments: [String], stdin: String? = nil,
    environment: [String: String?] = [:], directory: String? = nil, timeout: TimeInterval = 120
) throws -> ProcessResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = errPipe
    p.standardInput = inPipe
    let exited = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in exited.signal() }
    try p.run()
    // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
    let outBox = DataBox(), errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        outBox.data = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave()
    }
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? inPipe.fileHandleForWriting.close()
    if exited.wait(timeout: .now() + timeout) == .timedOut { p.terminate() }
    p.waitUntilExit()
    group.wait()
    return ProcessResult(
        status: p.terminationStatus,
        stdout: String(decoding: outBox.data, as: UTF8.self),
        stderr: String(decoding: errBox.data, as: UTF8.self))
}

/// Runs the built boxlua.
public func boxlua(
    _ arguments: [String], stdin: String? = nil, environment: [String: String?] = [:],
    directory: String? = nil, timeout: TimeInterval = 120
) throws -> ProcessResult {
    try run(boxluaBinary(), arguments, stdin: stdin, environment: environment, directory: directory, timeout: timeout)
}

final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A fresh empty folder under the system's temporary directory.
public func temporaryDirectory(_ prefix: String = "boxlua-test") -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// How Lua names the script at `path` in its messages (luaO_chunkid, LUA_IDSIZE 60): the
/// path itself when it has at most 59 bytes, else "..." and its last 56 bytes. Tests build
/// expected error lines with it, so they pass in a checkout at any path.
public func luaChunkName(_ path: String) -> String {
    let bytes = Array(path.utf8)
    guard bytes.count > 59 else { return path }
    return "..." + String(decoding: bytes.suffix(56), as: UTF8.self)
}
