#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder of the user's app, and the only place chaos-test writes. Every path goes through
/// `resolve`, which refuses absolute paths, `..`, and symlinks that lead outside the folder.
public struct AppRoot: Sendable, Equatable {
    /// Absolute and symlink-free.
    public let path: String

    public init(_ path: String) throws(PatchError) {
        guard let real = Self.realPath(path) else {
            throw PatchError("\(path): no such folder. Pass the folder of the Python app.")
        }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw PatchError("\(path): not a folder. Pass the folder of the Python app.")
        }
        self.path = real
    }

    /// `<root>/.chaos-test`, the tool's own state.
    public var stateDirectory: String { path + "/.chaos-test" }

    /// The absolute path for `relative`, checked to stay inside the root.
    public func resolve(_ relative: String) throws(PatchError) -> String {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !relative.hasPrefix("/"),
            !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty })
        else {
            throw PatchError(
                "'\(relative)': not a plain path inside the app folder; chaos-test writes only inside \(path).")
        }
        let full = path + "/" + relative
        // The deepest existing ancestor (or the file itself) must really live inside the root.
        var probe = full
        while true {
            var info = stat()
            if lstat(probe, &info) == 0 {
                guard let real = Self.realPath(probe), real == path || real.hasPrefix(path + "/") else {
                    throw PatchError(
                        "\(relative): \(probe) is a symlink that leads outside the app folder \(path); "
                            + "chaos-test refuses to write there. Replace the symlink with a real file or folder.")
                }
                if probe == full, (info.st_mode & S_IFMT) == S_IFLNK {
                    throw PatchError(
                        "\(relative) is a symlink; chaos-test rewrites files by renaming and would replace the link. "
                            + "Inject into the file it points to instead.")
                }
                return full
            }
            guard let slash = probe.lastIndex(of: "/") else { return full }
            probe = String(probe[..<slash])
        }
    }

    /// The path of `absolute` relative to the root, or nil when it lies outside.
    public func relative(_ absolute: String) -> String? {
        guard absolute.hasPrefix(path + "/") else { return nil }
        return String(absolute.dropFirst(path.count + 1))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
