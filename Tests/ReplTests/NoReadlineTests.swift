/// The REPL where libreadline cannot be loaded (boxlua loads it with dlopen on the first REPL):
/// plain lines, and one line saying why.
import Foundation
import TestSupport
import Testing

@Suite struct NoReadlineTests {
    /// A `libreadline.so.8` that is not readline (libm, present everywhere), found first
    /// through LD_LIBRARY_PATH: the dlopen succeeds and the lookup of `readline` fails.
    static func fakeReadlineFolder() throws -> URL {
        let libm = try #require(
            ["/lib/x86_64-linux-gnu/libm.so.6", "/lib/aarch64-linux-gnu/libm.so.6", "/usr/lib64/libm.so.6"]
                .first { FileManager.default.fileExists(atPath: $0) })
        let folder = temporaryDirectory("boxlua-no-readline")
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("libreadline.so.8").path, withDestinationPath: libm)
        return folder
    }

    @Test func theReplReadsPlainLinesAndSaysWhyOnce() throws {
        let folder = try Self.fakeReadlineFolder()
        let repl = try TmuxREPL(environment: ["LD_LIBRARY_PATH": folder.path])
        let start = try repl.waitForPrompt()
        #expect(start.contains("boxlua: no line editing: "))
        #expect(start.contains("undefined symbol: "))
        #expect(start.components(separatedBy: "no line editing").count == 2)
        try repl.enter("print(6 * 7)")
        let screen = try repl.waitFor("42\nbox>")
        #expect(screen.contains("box> print(6 * 7)\n42\nbox>"))
    }
}
