/// Files that a user names, written by the real binary (issue 13, item 8).
import Foundation
import Glibc
import TestSupport
import Testing

@Suite struct FilesNamedOnTheCommandLine {
    /// As root, csv.write("/dev/stdout") once replaced the /dev/stdout link with a regular file.
    @Test func csvWriteToDevStdoutGoesIntoTheOutputInOrder() throws {
        let r = try boxlua(["-e", "print('before') csv.write('/dev/stdout', {{a = '1'}}) print('after')"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "before\na\r\n1\r\nafter\n")
        var st = stat()
        lstat("/dev/stdout", &st)
        #expect(st.st_mode & S_IFMT == S_IFLNK)
        let dash = try boxlua(["-e", "csv.write('-', {{b = '2'}})"])
        #expect(dash.stdout == "b\r\n2\r\n")
    }

    /// stdout redirected to a file: the CSV is appended where the output stands, not written over it.
    @Test func csvWriteToDevStdoutRedirectedToAFile() throws {
        let out = temporaryDirectory().appendingPathComponent("out.txt").path
        let r = try run(
            "/bin/sh",
            ["-c", "\"$0\" -e \"print('first') csv.write('/dev/stdout', {{a = '1'}})\" > \"$1\"", boxluaBinary(), out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "first\na\r\n1\r\n")
    }
}
