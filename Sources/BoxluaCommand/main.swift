/// boxlua's entry point: a subcommand by name, else a Lua run (see LuaRun.swift).
#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

// A parent may hand us SIGINT and SIGTERM blocked (threads of thread pools block signals,
// and children inherit the mask): unblock them so Ctrl-C and SIGTERM always stop a run cleanly.
var stopSignalSet = sigset_t()
sigemptyset(&stopSignalSet)
sigaddset(&stopSignalSet, SIGINT)
sigaddset(&stopSignalSet, SIGTERM)
sigprocmask(SIG_UNBLOCK, &stopSignalSet, nil)

// The one exit: every command returns its status, its errors reported on the way (Reporter).
let argv = CommandLine.arguments
let status: Int32
// Hidden: the manual page scripts/install writes, made from the help texts (ManPage.swift).
if argv.count == 2 && argv[1] == "--man" {
    print(ManPage.text, terminator: "")
    exit(0)
}
if let (name, arguments) = subcommandInvocation(argv), let subcommand = subcommands[name] {
    status = subcommand.main(arguments)
} else {
    status = LuaRun.main(argv)
}
exit(status)
