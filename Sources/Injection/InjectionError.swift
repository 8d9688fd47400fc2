/// A problem inject, revert or the live controls met, with what to do about it.
public struct InjectionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Bad arguments or input files (exit 2).
        case input
        /// The environment failed: Python missing, a file unreadable (exit 3).
        case environment
        /// A check failed: revert found user edits it cannot undo safely (exit 1).
        case conflict
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The exit code CONTRACTS.md gives this kind of failure.
    public var exitCode: Int32 {
        switch kind {
        case .conflict: 1
        case .input: 2
        case .environment: 3
        }
    }
}
