#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading and atomically replacing files: write a temporary beside the target, fsync it, rename
/// it over the target, fsync the folder. A reader sees the old bytes or the new, never a mix.
public enum FileIO {
    /// The file's bytes, or nil when it does not exist.
    public static func read(_ path: String) throws(PatchError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw PatchError("\(path): cannot read (\(String(cString: strerror(errno)))).")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PatchError("\(path): cannot read (\(String(cString: strerror(errno)))).")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }

    /// The permission bits of the file, or nil when it does not exist.
    public static func mode(_ path: String) -> UInt32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode & 0o7777)
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Replaces (or creates) `path` with `bytes` and `mode`, atomically and durably.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32) throws(PatchError) {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let name = path[path.index(after: path.lastIndex(of: "/") ?? path.startIndex)...]
        let temporary = "\(directory)/.\(name).chaos-test-\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else {
            throw PatchError("\(path): cannot write (\(String(cString: strerror(errno)))). Nothing else was changed.")
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw PatchError("\(path): cannot write (\(reason)).")
            }
            written += n
        }
        // fchmod after creation: the umask must not change the user's file mode.
        guard fchmod(fd, mode_t(mode)) == 0, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            throw PatchError("\(path): cannot write (\(reason)).")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PatchError("\(path): cannot replace the file (\(reason)).")
        }
        syncDirectory(directory)
        CrashSwitch.didWrite()
    }

    /// Removes `path` if present, durably.
    public static func remove(_ path: String) throws(PatchError) {
        if unlink(path) != 0, errno != ENOENT {
            throw PatchError("\(path): cannot remove (\(String(cString: strerror(errno)))).")
        }
        syncDirectory(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
        CrashSwitch.didWrite()
    }

    /// Creates `path` and its parents (mode 0755) if missing.
    public static func makeDirectories(_ path: String) throws(PatchError) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw PatchError("\(current): cannot create the folder (\(String(cString: strerror(errno)))).")
            }
        }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path.isEmpty ? "/" : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
