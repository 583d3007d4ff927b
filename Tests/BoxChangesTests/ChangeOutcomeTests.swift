import BoxChanges
import BoxClient
import Testing

@Suite struct ChangeOutcomes {
    /// A change the client could not check after a cut-off try must never be journaled `failed`
    /// (which the next apply resends blind): it is `unknown`, checked before any resend.
    @Test func whatLeavesAChangesOutcomeUnknown() {
        let unknown: [BoxError] = [
            BoxError(status: 0, code: "outcome_unknown", message: "cut off, check failed"),
            BoxError(status: 502, code: "outcome_unknown", message: "502, check failed"),
            BoxError(status: 0, code: "interrupted", message: "interrupted"),
            BoxError(status: 0, code: "network_error", message: "reset"),
            BoxError(status: 503, code: "unavailable", message: "try later"),
        ]
        for e in unknown { #expect(ChangeOutcome.leavesOutcomeUnknown(e), "\(e.code) \(e.status)") }
        let known: [BoxError] = [
            BoxError(status: 404, code: "not_found", message: "no such user"),
            BoxError(status: 0, code: "refused", message: "guard"),
            BoxError(status: 409, code: "user_login_already_used", message: "taken"),
        ]
        for e in known { #expect(!ChangeOutcome.leavesOutcomeUnknown(e), "\(e.code) \(e.status)") }
    }
}
