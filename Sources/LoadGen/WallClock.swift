#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock and monotonic instants, and the CPU time this process has used.
public enum WallClock {
    /// Now, in Unix nanoseconds.
    public static func nowUnixNs() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return spec.tv_sec * 1_000_000_000 + spec.tv_nsec
    }

    /// A monotonic instant in nanoseconds, for intervals.
    public static func monotonicNs() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1_000_000_000 + spec.tv_nsec
    }

    /// User plus system CPU time of this process so far, in microseconds (getrusage).
    public static func processCPUTimeUs() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = usage.ru_utime.tv_sec * 1_000_000 + Int(usage.ru_utime.tv_usec)
        let system = usage.ru_stime.tv_sec * 1_000_000 + Int(usage.ru_stime.tv_usec)
        return user + system
    }
}
