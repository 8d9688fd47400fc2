/// The file `chaos-test report` writes: Markdown for people, JSON for tools.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// `chaos-test-report.md`.
    case md
    /// `chaos-test-report.json`: the same content as data.
    case json

    /// The report's file name in the run folder.
    public var fileName: String {
        switch self {
        case .md: "chaos-test-report.md"
        case .json: "chaos-test-report.json"
        }
    }
}
