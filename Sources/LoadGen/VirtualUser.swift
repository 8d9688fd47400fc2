import Synchronization

/// One simulated user: its cookies, its login, and how long it must wait after a 429.
///
/// A closed-model worker holds one for the phase; the open model lends idle ones to units from
/// the runner's ``UserPool``, so a user is never in two units at once and logs in only once.
final class VirtualUser: Sendable {
    let jar = CookieJar()

    private struct State {
        var loggedIn = false
        var bearer: String?
        var backoffNs = 0
    }

    private let state = Mutex(State())

    var isLoggedIn: Bool { state.withLock { $0.loggedIn } }
    var bearer: String? { state.withLock { $0.bearer } }

    func loggedIn(bearer: String?) {
        state.withLock { state in
            state.loggedIn = true
            state.bearer = bearer
        }
    }

    /// Asks the user's worker to wait at least `nanoseconds` before its next unit.
    func backOff(nanoseconds: Int) {
        state.withLock { $0.backoffNs = max($0.backoffNs, nanoseconds) }
    }

    /// The wait asked for since the last call, then zero.
    func takeBackoff() -> Int {
        state.withLock { state in
            defer { state.backoffNs = 0 }
            return state.backoffNs
        }
    }
}
