/// Runs a program with its stderr on a pseudo-terminal, as an admin's terminal would be, and
/// reads every byte written there.
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif
import Foundation

public struct TerminalResult: Sendable {
    public let status: Int32
    /// Every byte written to the terminal, with the terminal's `\n` -> `\r\n`.
    public let terminal: String
    /// stdout (a pipe).
    public let stdout: String

    /// What the terminal shows at the end: `\r` goes to column 0, `ESC[K` erases to the end
    /// of the line, `\n` starts a new one, other characters overwrite.
    public var screen: [String] { terminalScreen(terminal) }
}

/// Runs `executable` with stderr on a new pseudo-terminal of `columns` columns, stdout and
/// stdin (`stdin`) on pipes. (`sh -c 'exec ... 1>&2'` puts stdout on the terminal too.)
public func runOnTerminal(
    _ executable: String, _ arguments: [String], stdin: String = "",
    environment: [String: String?] = [:], directory: String? = nil, columns: UInt16 = 160,
    timeout: TimeInterval = 120
) throws -> TerminalResult {
    // posix_openpt, unlockpt and ptsname are not in Swift's Glibc module: their Linux ioctls
    // (asm-generic/ioctls.h) unlock the new terminal and give its number under /dev/pts.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0, number: UInt32 = 0
    let setLock: UInt = 0x4004_5431, getNumber: UInt = 0x8004_5430  // TIOCSPTLCK, TIOCGPTN
    guard master >= 0, ioctl(master, setLock, &unlock) == 0, ioctl(master, getNumber, &number) == 0 else {
        throw POSIXError(.ENXIO)
    }
    var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    guard slave >= 0 else { throw POSIXError(.ENXIO) }
    let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: true)

    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm"
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let outPipe = Pipe(), inPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = terminal
    p.standardInput = inPipe
    let exited = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in exited.signal() }
    try p.run()
    // Only the child holds the terminal now: once it exits, reading the master fails (EIO).
    try terminal.close()

    let screenBox = DataBox(), outBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n > 0 {
                screenBox.data.append(contentsOf: buffer[0..<n])
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
        outBox.data = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    inPipe.fileHandleForWriting.write(Data(stdin.utf8))
    try? inPipe.fileHandleForWriting.close()
    if exited.wait(timeout: .now() + timeout) == .timedOut { p.terminate() }
    p.waitUntilExit()
    group.wait()
    close(master)
    return TerminalResult(
        status: p.terminationStatus, terminal: String(decoding: screenBox.data, as: UTF8.self),
        stdout: String(decoding: outBox.data, as: UTF8.self))
}

/// The lines a terminal shows after `text` (see ``TerminalResult/screen``).
public func terminalScreen(_ text: String) -> [String] {
    var lines: [[Character]] = [[]]
    var column = 0
    var rest = Substring(text)
    while let c = rest.first {
        if rest.hasPrefix("\u{1B}[K") {
            let last = lines.count - 1
            lines[last].removeSubrange(min(column, lines[last].count)...)
            rest = rest.dropFirst(3)
            continue
        }
        rest = rest.dropFirst()
        let last = lines.count - 1
        switch c {
        case "\r": column = 0
        case "\n":
            lines.append([])
            column = 0
        case "\r\n":  // one Character in Swift
            lines.append([])
            column = 0
        default:
            if column < lines[last].count { lines[last][column] = c } else { lines[last].append(c) }
            column += 1
        }
    }
    return lines.map { String($0) }
}
