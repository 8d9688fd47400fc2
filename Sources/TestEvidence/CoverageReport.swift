/// Line coverage from a Cobertura XML file (coverage.py `coverage xml`): hits per line, per file.
public struct CoverageReport: Sendable, Equatable {
    /// The `<source>` folders the file names are relative to.
    public var sources: [String]
    /// Per file name as written in the report (relative to a source): line -> hits.
    public var files: [String: [Int: Int]]

    public init(sources: [String], files: [String: [Int: Int]]) {
        self.sources = sources
        self.files = files
    }

    /// Hits of a line, nil when the line holds no statement (or the file is not in the report).
    public func hits(file: String, line: Int) -> Int? {
        files[file]?[line]
    }

    /// Whether any statement in `lines` ran.
    public func ran(file: String, lines: ClosedRange<Int>) -> Bool {
        guard let hits = files[file] else { return false }
        return lines.contains { (hits[$0] ?? 0) > 0 }
    }
}
