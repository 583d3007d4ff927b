/// `boxlua apply`'s pre-flight: the guards of a live run (the signed-in user, `--protect`,
/// transfer destinations), checked over the whole plan before any of it is sent.
import BoxChanges
import BoxClient

/// The one line saying why the plan must not be applied, or nil. The signed-in user and the
/// `--protect` logins are read first; when a read fails, changes to users are refused.
func planGuardRefusal(plan: Plan, client: BoxClient, protect: [String]) -> String? {
    var looked: ChangeGuard?
    ChangeGuard(protect: protect).lookUp(client: client) { updated, _ in looked = updated }
    client.engine.run { looked != nil }
    guard let looked else { return "interrupted before the plan was checked" }
    do { try ChangeGuard.check(plan: plan, guard: looked) } catch { return "\(error); nothing was sent" }
    return nil
}
