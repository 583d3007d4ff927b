/// What makes Box refuse to delete a user, as far as reads can tell, beyond what the table of
/// operations says (`BoxOperation.PredictedRefusal`): legal holds and retention policies, for
/// one. A run is given any number of them (`ChangeControl.deleteBlockers`); a dry run asks each
/// before it records a user's deletion and prints what they find as warnings.
import BoxClient

public protocol DeleteBlockers: AnyObject {
    /// Calls `done` once, from the client's engine loop, with why Box will refuse to delete
    /// the user `userID` (each a short clause: "held by legal hold policy Litigation 7"), or
    /// nothing. Reads go through `client.start`, as the signed-in account (`asUser = ""`).
    /// A read that fails is no reason: `done([])` (the live run finds out).
    func blockers(ofUser userID: String, client: BoxClient, done: @escaping ([String]) -> Void)
}
