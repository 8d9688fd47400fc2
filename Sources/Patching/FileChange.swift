/// One file's planned change inside a transaction: its bytes before and after (nil = absent).
public struct FileChange: Sendable, Equatable {
    /// Relative to the app root.
    public var path: String
    public var before: [UInt8]?
    public var after: [UInt8]?
    /// The permission bits the file gets; the file's own mode is kept when it already exists.
    public var mode: UInt32

    public init(path: String, before: [UInt8]?, after: [UInt8]?, mode: UInt32 = 0o644) {
        self.path = path
        self.before = before
        self.after = after
        self.mode = mode
    }
}
