/// A problem a user can meet while proposing, applying or reverting a fix: the sentence says
/// what is wrong, where, and what to do. `code` maps to the exit codes of CONTRACTS.md.
public struct FixError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Bad arguments or input (exit 2).
        case input
        /// The environment failed: Python is missing, a file cannot be written (exit 3).
        case environment
    }

    public var code: Code
    public var message: String

    public init(_ message: String, code: Code = .input) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
