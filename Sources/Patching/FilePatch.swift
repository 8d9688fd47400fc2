/// One file's unified diff: the form `git apply` and `patch -p1` accept (FACTS.md, "Unified diffs").
///
/// Paths are relative to the app root; rendering adds the `a/` and `b/` prefixes. A `nil` old
/// path is a new file (`--- /dev/null`), a `nil` new path a deleted one.
public struct FilePatch: Sendable, Equatable {
    public var oldPath: String?
    public var newPath: String?
    public var hunks: [Hunk]

    public init(oldPath: String?, newPath: String?, hunks: [Hunk]) {
        self.oldPath = oldPath
        self.newPath = newPath
        self.hunks = hunks
    }

    /// The path this patch is about, whichever side names it.
    public var path: String { newPath ?? oldPath ?? "" }

    public struct Hunk: Sendable, Equatable {
        /// 1-based first line; for an empty side, the line before the change (0 at the top).
        public var oldStart: Int
        public var oldCount: Int
        public var newStart: Int
        public var newCount: Int
        public var lines: [Line]

        public init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int, lines: [Line]) {
            self.oldStart = oldStart
            self.oldCount = oldCount
            self.newStart = newStart
            self.newCount = newCount
            self.lines = lines
        }
    }

    /// A line of a hunk; its bytes end with `\n` unless it is the last line of its file.
    public enum Line: Sendable, Equatable {
        case context([UInt8])
        case removed([UInt8])
        case added([UInt8])

        public var bytes: [UInt8] {
            switch self {
            case .context(let b), .removed(let b), .added(let b): b
            }
        }
    }

    /// The same change, undone: what `git apply -R` applies.
    public var reversed: FilePatch {
        FilePatch(
            oldPath: newPath, newPath: oldPath,
            hunks: hunks.map { hunk in
                Hunk(
                    oldStart: hunk.newStart, oldCount: hunk.newCount,
                    newStart: hunk.oldStart, newCount: hunk.oldCount,
                    lines: hunk.lines.map { line in
                        switch line {
                        case .context(let b): .context(b)
                        case .removed(let b): .added(b)
                        case .added(let b): .removed(b)
                        }
                    }
                )
            }
        )
    }
}
