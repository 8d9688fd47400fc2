#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `flock` lock on `.chaos-test/lock` that keeps two chaos-test commands from changing the
/// same app at once. The kernel drops it when its holder exits, even by SIGKILL, so there is
/// never a stale lock to clean up.
public final class AppLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Runs `body` holding the app's lock. Waits up to `timeout` seconds for another command
    /// to finish, then refuses with a message that says which one holds it.
    public static func withLock<T>(
        _ root: AppRoot, command: String, timeout: Double? = nil, _ body: () throws -> T
    ) throws -> T {
        let lock = try acquire(root, command: command, timeout: timeout)
        return try withExtendedLifetime(lock) { try body() }
    }

    public static func acquire(_ root: AppRoot, command: String, timeout: Double? = nil) throws(PatchError) -> AppLock {
        let timeout = timeout ?? getenv("CHAOS_TEST_LOCK_TIMEOUT").flatMap { Double(String(cString: $0)) } ?? 30
        try StateDirectory.ensure(root)
        let path = try root.resolve(".chaos-test/lock")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(0o644))
        guard fd >= 0 else {
            throw PatchError("\(path): cannot open the lock file (\(String(cString: strerror(errno)))).")
        }
        var waited = 0.0
        var announced = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(fd)
                throw PatchError("\(path): cannot lock (\(String(cString: strerror(errno)))).")
            }
            let holder = holderDescription(fd)
            if waited >= timeout {
                close(fd)
                throw PatchError(
                    "another chaos-test command (\(holder)) is changing \(root.path) and still holds \(path) after "
                        + "\(Int(timeout)) s. Wait for it to finish, then run this command again.")
            }
            if !announced {
                let message = Array(
                    "chaos-test: waiting for another chaos-test command (\(holder)) to finish with this app...\n".utf8)
                _ = message.withUnsafeBytes { write(2, $0.baseAddress, message.count) }
                announced = true
            }
            usleep(50_000)
            waited += 0.05
        }
        // Record who holds it, for the message another command shows while it waits.
        let note = Array("pid \(getpid()), \(command)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = note.withUnsafeBytes { pwrite(fd, $0.baseAddress, note.count, 0) }
        // Test-only: hold the lock a while, so the lock tests can race and SIGKILL a real holder.
        if let pause = getenv("CHAOS_TEST_PAUSE_AFTER_LOCK").flatMap({ Double(String(cString: $0)) }) {
            let message = Array("chaos-test: holding the lock\n".utf8)
            _ = message.withUnsafeBytes { write(2, $0.baseAddress, message.count) }
            usleep(UInt32(pause * 1_000_000))
        }
        return AppLock(fd: fd)
    }

    private static func holderDescription(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 200)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 200, 0) }
        guard n > 0 else { return "unknown" }
        return String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewline
    }
}
