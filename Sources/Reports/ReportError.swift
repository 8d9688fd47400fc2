/// A report that cannot be written: the run folder lacks a file, a file does not parse, or the
/// report cannot be saved. The message says which file and what to do.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The run folder is missing a file, or a file is not what its contract says (exit 2).
        case input
        /// The report could not be written (exit 3).
        case environment
    }

    public var kind: Kind
    public var message: String

    public var description: String { message }

    static func missing(_ name: String, in folder: String) -> ReportError {
        ReportError(
            kind: .input,
            message: "\(folder) has no \(name); a report needs it. Pass the folder of a run "
                + "(`chaos-test run` writes one under <app>/.chaos-test/runs/), or run the step that writes \(name).")
    }

    static func unreadable(_ name: String, in folder: String, _ error: any Error) -> ReportError {
        ReportError(
            kind: .input,
            message: "\(folder)/\(name) cannot be read as its contract says (\(error)); "
                + "re-run the step that writes it.")
    }
}
