/// Many script arguments: lua.c makes room for them (luaL_checkstack in pushargs) and so
/// must boxlua; ninety of them used to corrupt the heap.
import Foundation
import TestSupport
import Testing

@Suite struct ScriptArgumentsTests {
    let dir = temporaryDirectory("boxlua-args")
    /// What `lua5.4 count.lua 1 2 ... N` prints for this script: both `...` and `arg`
    /// see every argument.
    let counting = """
        local n = select('#', ...)
        print(n, #arg, arg[0] ~= nil, arg[#arg], (select(n, ...)), arg[1])
        """

    func script() throws -> String {
        let path = dir.appendingPathComponent("count.lua").path
        try counting.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [100, 10_000])
    func aScriptSeesEveryArgument(_ count: Int) throws {
        let args = (1...count).map(String.init)
        let r = try boxlua([try script()] + args)
        #expect(r.stderr == "")
        #expect(r.stdout == "\(count)\t\(count)\ttrue\t\(count)\t\(count)\t1\n")
        #expect(r.status == 0)
    }

    @Test func argumentsAfterExecuteStepsAndFromStandardInput() throws {
        let args = (1...10_000).map(String.init)
        let after = try boxlua(["-e", "", try script()] + args)
        #expect(after.stdout == "10000\t10000\ttrue\t10000\t10000\t1\n")
        #expect(after.status == 0)
        let stdin = try boxlua(["-"] + args, stdin: counting)
        #expect(stdin.stdout == "10000\t10000\ttrue\t10000\t10000\t1\n")
        #expect(stdin.status == 0)
    }

    /// An `-e` chunk gets no `...`, but `arg` holds the whole command line.
    @Test func executeChunkSeesTheArgumentsInArg() throws {
        let args = (1...10_000).map(String.init)
        let r = try boxlua(["-e", "print(#arg, arg[#arg], select('#', ...))", "-"] + args, stdin: "")
        #expect(r.stdout == "10000\t10000\t0\n")
        #expect(r.status == 0)
    }
}
