// swift-tools-version:6.0
// boxlua: Box user administration from Lua 5.4.
//
// No Swift package dependencies: Lua, libcurl, readline and libcrypto come from Debian
// (scripts/test installs them), so a clean build on CI's 2 cores stays fast.
// Dependencies point one way: BoxluaCommand (the boxlua binary) -> {Repl, BoxLua} -> {LuaHost, BoxClient} -> C shims;
// LuaHost never imports BoxClient and BoxClient never imports LuaHost.
import PackageDescription

let package = Package(
    name: "boxlua",
    products: [
        .executable(name: "boxlua", targets: ["BoxluaCommand"]),
    ],
    targets: [
        // System libraries (Debian packages in scripts/test).
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),

        // libcurl (headers from libcurl4-openssl-dev), loaded with dlopen on the first request:
        // linking it would cost every start some 7 ms of loading its thirty libraries.
        .target(name: "CCurl"),
        // libcrypto (headers from libssl-dev), loaded the same way: only JWT and the sandbox use it.
        .target(name: "CCrypto"),
        // libreadline (headers from libreadline-dev), loaded the same way: only the REPL uses it.
        .target(name: "CReadline"),
        // Lua macros as functions, and the trampoline that keeps longjmp out of Swift frames.
        .target(name: "LuaShim", dependencies: ["CLua"]),

        // Pure Swift building blocks.
        .target(name: "JSON", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "Signing", dependencies: ["CCrypto"]),
        // Whole-file reads and the rules for writing a file a user names (atomic, links kept, pipes in place).
        .target(name: "Files"),
        .target(name: "CSV", dependencies: ["Files"]),
        .target(name: "HTTPServer"),
        // The progress line on a terminal's stderr, and the one writer of stderr lines above it.
        .target(name: "TerminalProgress"),

        // The Lua host: state, values, functions, errors. Knows nothing of Box.
        .target(name: "LuaHost", dependencies: ["CLua", "LuaShim", "JSON"]),
        // The REPL on GNU readline.
        .target(name: "Repl", dependencies: ["LuaHost", "LuaShim", "CLua", "CReadline", "Files"]),
        // The Box client: transport, sign-in, retries, paging, errors. Knows nothing of Lua.
        .target(name: "BoxClient", dependencies: ["CCurl", "JSON", "Signing", "HTTPServer", "Files"]),
        // Changes to Box under control: dry runs, plans, apply, journal, audit log, guards.
        // Knows nothing of Lua.
        .target(name: "BoxChanges", dependencies: ["BoxClient", "JSON", "Files"]),
        // The Box emulator. No Lua, no CLI.
        .target(name: "BoxSandbox", dependencies: ["JSON", "Signing", "HTTPServer", "Files"]),
        // `boxlua snapshot`: a real enterprise read through the client into the sandbox's seed format.
        .target(name: "BoxSnapshot", dependencies: ["BoxClient", "BoxSandbox", "JSON"]),
        // The Lua API: box.*, csv, json, log, show, help; dry runs, plans, audit log.
        // Its Lua half is the .lua files beside the Swift, compiled into the binary as byte arrays.
        .target(
            name: "BoxLua", dependencies: ["LuaHost", "CLua", "BoxClient", "BoxChanges", "CSV", "JSON", "Files", "TerminalProgress"],
            resources: [.embedInCode("box.lua"), .embedInCode("help.lua"), .embedInCode("log.lua"), .embedInCode("progress.lua")],
            plugins: ["LuaBytecode"]),
        // The same .lua files compiled to bytecode at build time (lua5.4): a faster start.
        .plugin(name: "LuaBytecode", capability: .buildTool()),

        // The `boxlua` command line. Its target is not named boxlua so that no two modules
        // (BoxLua, boxlua) differ only by case; the product, and so the binary, is boxlua.
        .executableTarget(
            name: "BoxluaCommand",
            dependencies: [
                "LuaHost", "CLua", "Repl", "BoxLua", "BoxClient", "BoxChanges", "BoxSandbox", "BoxSnapshot", "JSON",
                "Files", "TerminalProgress",
            ],
            path: "Sources/BoxluaCommand",
            // Release links with the toolchain's lld and packs the 39,000 relative relocations
            // of a static-stdlib binary as DT_RELR (glibc 2.36+): ld.so reads 8 KB at each start
            // instead of 900 KB (BENCHMARKS.md, issue 17). gold cannot write DT_RELR.
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(configuration: .release))
            ]),

        // Shared test helpers: run the built binary, start a sandbox.
        .target(name: "TestSupport", dependencies: ["BoxSandbox"], path: "Tests/TestSupport"),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing"]),
        .testTarget(name: "CSVTests", dependencies: ["CSV"], exclude: ["Fixtures"]),
        .testTarget(name: "FilesTests", dependencies: ["Files"]),
        .testTarget(name: "TerminalProgressTests", dependencies: ["TerminalProgress", "TestSupport"]),
        .testTarget(name: "BoxChangesTests", dependencies: ["BoxChanges", "BoxClient", "BoxSandbox", "TestSupport", "JSON"]),
        .testTarget(name: "LuaHostTests", dependencies: ["LuaHost", "JSON"]),
        .testTarget(name: "BoxClientTests", dependencies: ["BoxClient", "BoxSandbox", "TestSupport", "JSON", "Signing"]),
        .testTarget(name: "SandboxTests", dependencies: ["BoxSandbox", "TestSupport", "JSON", "Signing", "HTTPServer"]),
        .testTarget(name: "BoxLuaTests", dependencies: ["BoxLua", "LuaHost", "BoxChanges", "BoxSandbox", "TestSupport", "JSON"]),
        .testTarget(name: "CLITests", dependencies: ["BoxluaCommand", "TestSupport", "BoxChanges", "BoxSandbox", "JSON"]),
        .testTarget(name: "ReplTests", dependencies: ["Repl", "LuaHost", "TestSupport"]),
    ]
)
