import Files
import Glibc
import Testing

/// A fresh folder under /tmp for one test, removed afterwards by the caller.
private func scratchFolder() -> String {
    var template = Array("/tmp/boxlua-files-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: p!)
}

private func text(_ path: String) throws -> String {
    String(decoding: try Files.readAll(path), as: UTF8.self)
}

private func mode(_ path: String) -> mode_t {
    var st = stat()
    stat(path, &st)
    return st.st_mode & 0o7777
}

private func isLink(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
}

@Suite struct WritingUserNamedFiles {
    @Test func aSymbolicLinkIsKeptAndItsTargetReplaced() throws {
        let dir = scratchFolder()
        try Files.write(Array("old\n".utf8), to: "\(dir)/target.csv")
        chmod("\(dir)/target.csv", 0o640)
        symlink("target.csv", "\(dir)/link.csv")
        try Files.write(Array("new\n".utf8), to: "\(dir)/link.csv")
        #expect(isLink("\(dir)/link.csv"))
        #expect(try text("\(dir)/target.csv") == "new\n")
        #expect(mode("\(dir)/target.csv") == 0o640)
        #expect(Files.target(of: "\(dir)/link.csv") == .replace("\(dir)/target.csv"))
    }

    @Test func anExistingFileKeepsItsModeUnlessForced() throws {
        let dir = scratchFolder()
        let path = "\(dir)/report.csv"
        try Files.write(Array("a".utf8), to: path)
        chmod(path, 0o604)
        try Files.write(Array("b".utf8), to: path)
        #expect(mode(path) == 0o604)
        try Files.write(Array("c".utf8), to: path, mode: 0o600, forceMode: true)
        #expect(mode(path) == 0o600)
        #expect(try text(path) == "c")
    }

    @Test func aNewFileGetsTheModeLessTheUmask() throws {
        let dir = scratchFolder()
        let old = umask(0o027)
        defer { umask(old) }
        try Files.write(Array("x".utf8), to: "\(dir)/new.csv")
        #expect(mode("\(dir)/new.csv") == 0o640)
        try Files.write(Array("x".utf8), to: "\(dir)/secret.plan", mode: 0o600)
        #expect(mode("\(dir)/secret.plan") == 0o600)
    }

    @Test func aPipeIsWrittenInPlace() throws {
        let dir = scratchFolder()
        let fifo = "\(dir)/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader must hold the FIFO open, or opening it to write blocks.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try Files.write(Array("through the pipe\n".utf8), to: fifo)
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(reader, &buf, buf.count)
        #expect(String(decoding: buf[0..<max(n, 0)], as: UTF8.self) == "through the pipe\n")
        var st = stat()
        lstat(fifo, &st)
        #expect(st.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func ownDescriptorsAreWrittenWithoutReopening() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        try Files.write(Array("via /dev/fd\n".utf8), to: "/dev/fd/\(fds[1])")
        close(fds[1])
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(fds[0], &buf, buf.count)
        #expect(String(decoding: buf[0..<max(n, 0)], as: UTF8.self) == "via /dev/fd\n")
        #expect(Files.target(of: "-") == .descriptor(1))
        #expect(Files.target(of: "/dev/stdout") == .descriptor(1))
        #expect(Files.target(of: "/dev/stderr") == .descriptor(2))
        #expect(Files.target(of: "/dev/null") == .inPlace("/dev/null"))
    }

    @Test func aFolderIsRefusedAndNoTemporaryFileIsLeft() throws {
        let dir = scratchFolder()
        mkdir("\(dir)/sub", 0o700)
        #expect(throws: FileError.self) { try Files.write(Array("x".utf8), to: "\(dir)/sub") }
        // A folder the user cannot write: the error names the path and nothing is left behind.
        #expect(throws: FileError.self) { try Files.write(Array("x".utf8), to: "/proc/boxlua-cannot-write-here") }
        var entries: [String] = []
        if let d = opendir(dir) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { entries.append(name) }
            }
            closedir(d)
        }
        #expect(entries == ["sub"])
    }

    @Test func temporaryFilesHaveUnpredictableNamesAndAreNeverReused() throws {
        let dir = scratchFolder()
        let (fd1, name1) = try Files.createTemporary(beside: "\(dir)/plan")
        let (fd2, name2) = try Files.createTemporary(beside: "\(dir)/plan")
        close(fd1)
        close(fd2)
        #expect(name1 != name2)
        #expect(name1.hasPrefix("\(dir)/plan.tmp-"))
        #expect(mode(name1) == 0o600)
    }
}
