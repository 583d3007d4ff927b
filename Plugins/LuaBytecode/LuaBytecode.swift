/// Compiles the embedded Lua files (`Sources/BoxLua/*.lua`) to Lua bytecode at build time, into
/// a generated Swift file: loading bytecode takes a tenth of compiling the text, about 1 ms of
/// every start (BENCHMARKS.md). The work is done by `bytecode.lua` run with Debian's lua5.4.
import Foundation
import PackagePlugin

@main struct LuaBytecode: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        // Debian's lua5.4 (scripts/setup installs it), found on PATH as a shell would.
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appending(path: "lua5.4") }
        guard let lua = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw LuaBytecodeError(description: "lua5.4 is not on PATH (scripts/setup installs the lua5.4 package)")
        }
        let script = context.package.directoryURL.appending(path: "Plugins/LuaBytecode/bytecode.lua")
        let inputs = target.sourceFiles(withSuffix: "lua").map(\.url).sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "LuaBytecode.swift")
        return [
            .buildCommand(
                displayName: "Compiling \(target.name)'s Lua files to bytecode",
                executable: lua, arguments: [script.path, output.path] + inputs.map(\.path),
                inputFiles: [script] + inputs, outputFiles: [output])
        ]
    }
}

struct LuaBytecodeError: Error, CustomStringConvertible {
    let description: String
}
