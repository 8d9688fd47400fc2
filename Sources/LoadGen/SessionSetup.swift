import Artifacts
import Synchronization

/// The outcome of a plan's `setup:` steps, kept for the whole run: they run once before the
/// first phase, and every later phase reuses their values rather than creating data again.
final class SessionSetup: Sendable {
    private let outcome = Mutex<Result<[String: JSONValue], SessionFailure>?>(nil)

    /// The stored outcome, or the outcome of `run`, stored. Phases run one after another, so two
    /// callers never race here.
    func values(
        _ run: @Sendable () async -> Result<[String: JSONValue], SessionFailure>
    ) async -> Result<[String: JSONValue], SessionFailure> {
        if let stored = outcome.withLock({ $0 }) { return stored }
        let result = await run()
        outcome.withLock { $0 = result }
        return result
    }
}
