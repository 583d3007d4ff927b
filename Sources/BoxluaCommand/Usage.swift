/// The help and version texts.
import BoxClient
import CLua

enum Usage {
    static let version = boxluaVersion

    /// `boxlua 0.1.0 (Lua 5.4.4)`
    static var versionLine: String {
        "boxlua \(version) (Lua \(LUA_VERSION_MAJOR).\(LUA_VERSION_MINOR).\(LUA_VERSION_RELEASE))"
    }

    static let text = """
        usage: boxlua [OPTIONS] [SCRIPT [ARGS...]]
               boxlua [OPTIONS] -e CHUNK ...
               boxlua apply PLAN [--stop-on-error] [--sandbox[=SEED]] [--protect USER]...
               boxlua sandbox [--port N] [--seed FILE] [--save FILE] [--faults SPEC] [--jwt-config FILE]
               boxlua login | whoami
               boxlua snapshot FILE [--events-days N]

        Runs Lua 5.4 with Box's user-administration API (box.*). With no script: the REPL
        when stdin is a terminal, else the script read from stdin.

        Lua options (as lua.c):
          -e CHUNK         run CHUNK (may repeat; runs in order with -l)
          -l MOD           require MOD into the global MOD; -l G=MOD into the global G
          -i               enter the REPL after running the script
          -v, --version    print the version
          -E               ignore LUA_PATH and LUA_CPATH
          -W               turn Lua warnings on
          --               stop handling options; the next argument is the script
          -                run stdin as the script
          -h, --help       print this help

        Box options:
          --dry-run        reads run for real; changes are printed, recorded and not sent
          --plan FILE      dry run that also writes the recorded changes to FILE
          --as-user ID     send every call as the user ID (As-User header)
          --profile NAME   use that profile of the config file (also BOXLUA_PROFILE)
          --sandbox[=SEED] run against an in-process Box emulator (demo enterprise or SEED);
                           its plans say base_url "sandbox", its audit log is
                           $XDG_STATE_HOME/boxlua/sandbox/audit.jsonl
          --max-deletes N  a live run stops before deleting more than N users (default 100)
          --protect USER   never change this user (id or login; may repeat; also
                           protect = ["..."] in a profile); the signed-in user always is
          --audit-log FILE where live changes are logged
          --verbose        HTTP trace (tokens and URL passwords left out) and Lua tracebacks on stderr
          --quiet          only errors on stderr

        Box options go before the script: --dry-run, --plan, --max-deletes, --sandbox,
        --protect or --as-user after it is refused (exit 2), since the script would run
        live; `boxlua -- job.lua --dry-run` passes it to the script on purpose.

        Credentials (environment first, then [profiles.NAME] of $XDG_CONFIG_HOME/boxlua/config.toml,
        default ~/.config/boxlua/config.toml, with the same keys in lower case without BOX_):
          BOX_ACCESS_TOKEN                       a developer token, used as is (60 minutes)
          BOX_JWT_CONFIG                         the JWT app's JSON config from Box's developer console
          BOX_CLIENT_ID, BOX_CLIENT_SECRET and   Client Credentials Grant for the enterprise or the user
            BOX_ENTERPRISE_ID or BOX_USER_ID
          BOX_CLIENT_ID, BOX_CLIENT_SECRET and   OAuth 2.0: `boxlua login` stores rotating tokens
            `boxlua login` (or BOX_REFRESH_TOKEN)
          BOX_BASE_URL                           API root (default https://api.box.com)

        A change is never sent twice: one whose try was cut off or got a 5xx fails, saying it
        may have reached Box (or, once checked on Box, finishes or fails as outcome_unknown).
        Credentials sent over plain http to a host that is not loopback get one warning line.

        Exit status: 0 success, 1 the script raised an error, 2 bad usage or configuration.
        """
}
