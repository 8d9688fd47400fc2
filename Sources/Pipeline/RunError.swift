/// Why a run could not do its job, with the exit status CONTRACTS.md gives each kind.
public enum RunError: Error, Sendable, CustomStringConvertible {
    /// Bad arguments or input (exit 2).
    case badInput(String)
    /// The environment failed: the app did not start, a tool is missing (exit 3).
    case environment(String)

    public var description: String {
        switch self {
        case .badInput(let message), .environment(let message): message
        }
    }

    /// Any error as a RunError: ours pass through, others are environment failures.
    static func wrap(_ error: any Error) -> RunError {
        (error as? RunError) ?? .environment("\(error)")
    }

    public var exitStatus: Int32 {
        switch self {
        case .badInput: 2
        case .environment: 3
        }
    }
}
