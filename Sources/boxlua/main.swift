/// boxlua's entry point: a subcommand by name, else a Lua run (see LuaRun.swift).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

let argv = CommandLine.arguments
if argv.count > 1, let subcommand = subcommands[argv[1]] {
    exit(subcommand(Array(argv.dropFirst(2))))
}
do {
    exit(LuaRun.main(try RunOptions.parse(argv)))
} catch {
    fputs("boxlua: \(error) (see boxlua --help)\n", stderr)
    exit(2)
}
