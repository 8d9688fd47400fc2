#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test-only switch: with `CHAOS_TEST_CRASH_AFTER_WRITES=N` the process ends with `_exit(86)`
/// right after its Nth file write, as if killed there. The transaction tests loop N over every
/// write of an inject and of a revert to prove that recovery always finds a consistent state.
enum CrashSwitch {
    private static let limit: Int? = {
        guard let value = getenv("CHAOS_TEST_CRASH_AFTER_WRITES") else { return nil }
        return Int(String(cString: value))
    }()
    nonisolated(unsafe) private static var writes = 0

    static func didWrite() {
        guard let limit else { return }
        writes += 1
        if writes >= limit { _exit(86) }
    }
}
