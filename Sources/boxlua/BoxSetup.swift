/// Where the command-line options reach the Box layer: the one call that installs `box`.
import LuaHost

/// Installs the Box API (`box.*` and its helpers) into `state` for a run with
/// `options`. Throwing ends the run with exit status 2 (bad configuration).
///
/// For now it only sets the global `box` to a table holding `dry_run`.
func installBoxAPI(into state: LuaState, options: RunOptions) throws {
    let stack = state.stack
    stack.pushGlobals()
    stack.newTable()
    stack.pushBoolean(options.dryRun)
    stack.rawSet(at: -2, key: "dry_run")
    stack.rawSet(at: -2, key: "box")
    stack.pop()
}
