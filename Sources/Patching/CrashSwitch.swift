#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Test-only fault points in every file write, driven by two environment variables:
///
/// - `CHAOS_TEST_CRASH_AFTER_WRITES=N` ends the process with `_exit(86)` right after its Nth
///   completed write (a rename into place or a removal).
/// - `CHAOS_TEST_KILL_AT_STEP=N` sends the process SIGKILL at its Nth write step, counting every
///   step of a write: a temporary file created (still empty), written and synced, renamed into
///   place, a file removed. It first says which step on stderr. The kill tests loop N from 1
///   until the command completes, so every state a killed command can leave is visited.
enum CrashSwitch {
    /// One observable moment of a write.
    enum Step: String {
        case temporaryCreated = "temporary file created"
        case temporaryWritten = "temporary file written"
        case renamed = "renamed into place"
        case removed = "file removed"
        case writtenInPlace = "file written in place"
    }

    private static func number(_ name: String) -> Int? {
        guard let value = getenv(name) else { return nil }
        return Int(String(cString: value))
    }

    private static let writeLimit = number("CHAOS_TEST_CRASH_AFTER_WRITES")
    private static let killStep = number("CHAOS_TEST_KILL_AT_STEP")
    nonisolated(unsafe) private static var writes = 0
    nonisolated(unsafe) private static var steps = 0

    /// Marks a completed write (rename or removal).
    static func didWrite() {
        guard let writeLimit else { return }
        writes += 1
        if writes >= writeLimit { _exit(86) }
    }

    /// Marks a write step on `path`; at the chosen step the process kills itself.
    static func step(_ step: Step, _ path: String) {
        guard let killStep else { return }
        steps += 1
        guard steps == killStep else { return }
        let message = Array("chaos-test: fault point \(steps): \(step.rawValue): \(path)\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, message.count) }
        kill(getpid(), SIGKILL)
        pause()
    }
}
