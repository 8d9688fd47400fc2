#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading and atomically replacing files: write a temporary the caller names, fsync it, rename
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

    /// Replaces (or creates) `path` with `bytes` and `mode`, atomically and durably, through
    /// `temporary`, which must be on the same file system. The caller chooses the temporary's
    /// name (see `StateDirectory.temporary`) so that a journal can name it before it exists and
    /// recovery can remove it if the process dies before the rename.
    public static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: UInt32, temporary: String
    ) throws(PatchError) {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(0o600))
        guard fd >= 0 else {
            throw PatchError(
                "\(path): cannot write the temporary file \(temporary) (\(String(cString: strerror(errno)))). "
                    + "Nothing else was changed.")
        }
        CrashSwitch.step(.temporaryCreated, temporary)
        do throws(PatchError) {
            try writeAll(bytes, to: fd, path: path)
            // fchmod after creation: the umask must not change the user's file mode.
            guard fchmod(fd, mode_t(mode)) == 0, fsync(fd) == 0 else {
                throw PatchError("\(path): cannot write (\(String(cString: strerror(errno)))).")
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        CrashSwitch.step(.temporaryWritten, temporary)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PatchError("\(path): cannot replace the file (\(reason)).")
        }
        syncDirectory(directory)
        if let slash = temporary.lastIndex(of: "/"), temporary[..<slash] != directory {
            syncDirectory(String(temporary[..<slash]))
        }
        CrashSwitch.step(.renamed, path)
        CrashSwitch.didWrite()
    }

    /// Writes a small file in place, with no temporary file: for `.chaos-test/.gitignore`, which
    /// must exist before any temporary is created under `.chaos-test/`. A reader may see it empty
    /// for a moment, which only means it is rewritten by the next command.
    public static func writeInPlace(_ bytes: [UInt8], to path: String, mode: UInt32) throws(PatchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else {
            throw PatchError("\(path): cannot write (\(String(cString: strerror(errno)))).")
        }
        defer { close(fd) }
        try writeAll(bytes, to: fd, path: path)
        guard fsync(fd) == 0 else { throw PatchError("\(path): cannot write (\(String(cString: strerror(errno)))).") }
        CrashSwitch.step(.writtenInPlace, path)
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(PatchError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PatchError("\(path): cannot write (\(String(cString: strerror(errno)))).")
            }
            written += n
        }
    }

    /// The device of `path`, or of its deepest existing ancestor when it does not exist yet.
    public static func device(_ path: String) -> UInt64? {
        var probe = path
        while true {
            var info = stat()
            if stat(probe, &info) == 0 { return UInt64(info.st_dev) }
            guard let slash = probe.lastIndex(of: "/"), slash != probe.startIndex else { return nil }
            probe = String(probe[..<slash])
        }
    }

    /// The names in a folder (none when it does not exist).
    public static func names(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes `path` if present, durably.
    public static func remove(_ path: String) throws(PatchError) {
        if unlink(path) != 0, errno != ENOENT {
            throw PatchError("\(path): cannot remove (\(String(cString: strerror(errno)))).")
        }
        syncDirectory(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
        CrashSwitch.step(.removed, path)
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
